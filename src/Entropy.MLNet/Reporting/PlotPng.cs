using OxyPlot;
using OxyPlot.SkiaSharp;
using SkiaSharp;

namespace Entropy.MLNet.Reporting;

/// <summary>
/// Renders an OxyPlot <see cref="PlotModel"/> to PNG with SkiaSharp, headless, with the library's embedded font (so that
/// labels appear on machines without fonts and without HarfBuzz natives).
/// </summary>
public static class PlotPng
{
    /// <summary>The largest width or height accepted, in pixels.</summary>
    public const int MaxSize = 8192;

    /// <summary>Renders <paramref name="model"/> as a PNG of <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <param name="model">The plot (a model can be rendered by one caller at a time).</param>
    /// <param name="output">Destination stream (stays open).</param>
    /// <param name="width">Width in pixels (1..<see cref="MaxSize"/>).</param>
    /// <param name="height">Height in pixels (1..<see cref="MaxSize"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size outside 1..<see cref="MaxSize"/>.</exception>
    public static void Write(PlotModel model, Stream output, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSize);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}×{height} drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(model.Background.IsVisible() ? ToSkia(model.Background) : SKColors.White);
        using (var skia = new SkiaRenderContext { RenderTarget = RenderTarget.PixelGraphic, SkCanvas = canvas, UseTextShaping = false })
        {
            var context = new TypefaceRenderContext(skia, ReportFont.Typeface);
            IPlotModel plot = model;
            plot.Update(true);
            plot.Render(context, new OxyRect(0, 0, width, height));
        }
        canvas.Flush();
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(output);
    }

    /// <summary>Renders <paramref name="model"/> to a PNG file (created or overwritten).</summary>
    /// <param name="model">The plot.</param>
    /// <param name="path">Destination file (created or replaced atomically).</param>
    /// <param name="width">Width in pixels (1..<see cref="MaxSize"/>).</param>
    /// <param name="height">Height in pixels (1..<see cref="MaxSize"/>).</param>
    public static void Write(PlotModel model, string path, int width, int height)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Sweep.DurableFile.Replace(path, file => Write(model, file, width, height));
    }

    /// <summary>Renders <paramref name="model"/> and returns the PNG bytes.</summary>
    /// <param name="model">The plot.</param>
    /// <param name="width">Width in pixels (1..<see cref="MaxSize"/>).</param>
    /// <param name="height">Height in pixels (1..<see cref="MaxSize"/>).</param>
    public static byte[] Encode(PlotModel model, int width, int height)
    {
        using var buffer = new MemoryStream();
        Write(model, buffer, width, height);
        return buffer.ToArray();
    }

    private static SKColor ToSkia(OxyColor color) => new(color.R, color.G, color.B, color.A);
}
