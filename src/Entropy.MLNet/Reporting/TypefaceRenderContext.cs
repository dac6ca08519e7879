using OxyPlot;
using OxyPlot.SkiaSharp;
using SkiaSharp;

namespace Entropy.MLNet.Reporting;

/// <summary>
/// OxyPlot render context that draws shapes and images with <see cref="SkiaRenderContext"/> and text with one given
/// typeface. OxyPlot.SkiaSharp looks fonts up by family name (empty on a machine without fonts) and shapes text with
/// HarfBuzz (a native library that SkiaSharp 2.88 ships for Windows and macOS only), so text is drawn here instead.
/// </summary>
internal sealed class TypefaceRenderContext(SkiaRenderContext inner, SKTypeface typeface) : IRenderContext
{
    /// <summary>Font weights from this value up are drawn emboldened (OxyPlot's titles use 700).</summary>
    private const double BoldWeight = 600;

    public bool RendersToScreen => false;

    public int ClipCount => inner.ClipCount;

    public void CleanUp() => inner.CleanUp();

    public void DrawEllipse(OxyRect rect, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode)
        => inner.DrawEllipse(rect, fill, stroke, thickness, edgeRenderingMode);

    public void DrawEllipses(IList<OxyRect> rectangles, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode)
        => inner.DrawEllipses(rectangles, fill, stroke, thickness, edgeRenderingMode);

    public void DrawLine(IList<ScreenPoint> points, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode, double[]? dashArray, LineJoin lineJoin)
        => inner.DrawLine(points, stroke, thickness, edgeRenderingMode, dashArray, lineJoin);

    public void DrawLineSegments(IList<ScreenPoint> points, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode, double[]? dashArray, LineJoin lineJoin)
        => inner.DrawLineSegments(points, stroke, thickness, edgeRenderingMode, dashArray, lineJoin);

    public void DrawPolygon(IList<ScreenPoint> points, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode, double[]? dashArray, LineJoin lineJoin)
        => inner.DrawPolygon(points, fill, stroke, thickness, edgeRenderingMode, dashArray, lineJoin);

    public void DrawPolygons(IList<IList<ScreenPoint>> polygons, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode, double[]? dashArray, LineJoin lineJoin)
        => inner.DrawPolygons(polygons, fill, stroke, thickness, edgeRenderingMode, dashArray, lineJoin);

    public void DrawRectangle(OxyRect rect, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode)
        => inner.DrawRectangle(rect, fill, stroke, thickness, edgeRenderingMode);

    public void DrawRectangles(IList<OxyRect> rectangles, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode)
        => inner.DrawRectangles(rectangles, fill, stroke, thickness, edgeRenderingMode);

    public void DrawImage(OxyImage source, double srcX, double srcY, double srcWidth, double srcHeight, double destX, double destY, double destWidth, double destHeight, double opacity, bool interpolate)
        => inner.DrawImage(source, srcX, srcY, srcWidth, srcHeight, destX, destY, destWidth, destHeight, opacity, interpolate);

    public void PushClip(OxyRect clippingRectangle) => inner.PushClip(clippingRectangle);

    public void PopClip() => inner.PopClip();

    public void SetToolTip(string text)
    {
        // A PNG has no tooltips.
    }

    public OxySize MeasureText(string text, string? fontFamily = null, double fontSize = 10, double fontWeight = 500)
    {
        if (string.IsNullOrEmpty(text))
        {
            return OxySize.Empty;
        }
        using var paint = TextPaint(fontSize, fontWeight, OxyColors.Black);
        var metrics = paint.FontMetrics;
        return new OxySize(paint.MeasureText(text), metrics.Descent - metrics.Ascent);
    }

    public void DrawText(ScreenPoint p, string text, OxyColor fill, string? fontFamily = null, double fontSize = 10, double fontWeight = 500,
        double rotation = 0, HorizontalAlignment horizontalAlignment = HorizontalAlignment.Left,
        VerticalAlignment verticalAlignment = VerticalAlignment.Top, OxySize? maxSize = null)
    {
        if (string.IsNullOrEmpty(text) || fill.IsInvisible())
        {
            return;
        }
        using var paint = TextPaint(fontSize, fontWeight, fill);
        var metrics = paint.FontMetrics;
        float width = paint.MeasureText(text);
        float height = metrics.Descent - metrics.Ascent;
        float left = horizontalAlignment switch
        {
            HorizontalAlignment.Center => -width / 2,
            HorizontalAlignment.Right => -width,
            _ => 0,
        };
        float top = verticalAlignment switch
        {
            VerticalAlignment.Middle => -height / 2,
            VerticalAlignment.Bottom => -height,
            _ => 0,
        };
        var canvas = inner.SkCanvas;
        canvas.Save();
        canvas.Translate((float)p.X, (float)p.Y);
        if (rotation != 0)
        {
            canvas.RotateDegrees((float)rotation);
        }
        if (maxSize is { } max)
        {
            canvas.ClipRect(new SKRect(left, top, left + (float)max.Width, top + (float)max.Height));
        }
        canvas.DrawText(text, left, top - metrics.Ascent, paint);
        canvas.Restore();
    }

    private SKPaint TextPaint(double fontSize, double fontWeight, OxyColor color) => new()
    {
        Typeface = typeface,
        TextSize = (float)fontSize,
        IsAntialias = true,
        SubpixelText = true,
        FakeBoldText = fontWeight >= BoldWeight,
        Color = new SKColor(color.R, color.G, color.B, color.A),
    };
}
