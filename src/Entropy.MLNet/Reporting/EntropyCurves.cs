using System.Globalization;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Entropy.MLNet.Reporting;

/// <summary>
/// The entropy-curve picture: median relative entropy against layer for a few σ_w² (log y when the values span more
/// than a decade), each with its cutoff marked, so that a reader sees where each curve saturates.
/// </summary>
public static class EntropyCurves
{
    /// <summary>Default picture width in pixels.</summary>
    public const int DefaultWidth = 1000;

    /// <summary>Default picture height in pixels.</summary>
    public const int DefaultHeight = 600;

    /// <summary>How many σ_w² the report draws by default.</summary>
    public const int DefaultCount = 6;

    /// <summary>Builds the plot of the given columns' <see cref="PhaseColumn.MedianRelativeEntropy"/> (falling back to the normalised curve).</summary>
    /// <param name="title">Picture title.</param>
    /// <param name="columns">The curves to draw (e.g. from <see cref="Select"/>).</param>
    /// <exception cref="ArgumentException">No column has a curve.</exception>
    public static PlotModel Build(string title, IReadOnlyList<PhaseColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var curves = columns.Where(c => Values(c).Count > 0).OrderBy(c => c.SigmaW2).ToArray();
        if (curves.Length == 0)
        {
            throw new ArgumentException("No entropy curve to draw.", nameof(columns));
        }
        bool raw = curves.All(c => c.MedianRelativeEntropy is { Count: > 0 });
        var finite = curves.SelectMany(Values).Where(v => double.IsFinite(v)).ToArray();
        bool logY = finite.Length > 0 && finite.All(v => v > 0) && finite.Max() / finite.Min() > 10;
        var model = new PlotModel
        {
            Title = title,
            Background = OxyColors.White,
            TitleFontSize = 16,
            DefaultFontSize = 13,
            Padding = new OxyThickness(8, 8, 16, 8),
        };
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom,
            Title = "layer ℓ",
            Minimum = 0.5,
            Maximum = curves.Max(c => Values(c).Count) + 0.5,
            MajorGridlineStyle = LineStyle.Dot,
            MajorGridlineColor = OxyColor.FromRgb(0xDD, 0xDD, 0xDD),
        });
        string yTitle = raw ? "median relative entropy D_ℓ (KL, nats)" : "normalised relative entropy (median of D_ℓ / D_last)";
        Axis y = logY
            ? new LogarithmicAxis { Position = AxisPosition.Left, Title = yTitle + " (log scale)" }
            : new LinearAxis { Position = AxisPosition.Left, Title = yTitle };
        y.MajorGridlineStyle = LineStyle.Dot;
        y.MajorGridlineColor = OxyColor.FromRgb(0xDD, 0xDD, 0xDD);
        model.Axes.Add(y);
        var palette = OxyPalettes.Viridis(256);
        for (int i = 0; i < curves.Length; i++)
        {
            // Viridis without its last (yellow) fifth, which is unreadable on white.
            double t = curves.Length == 1 ? 0 : 0.8 * i / (curves.Length - 1);
            var colour = palette.Colors[(int)Math.Round(t * (palette.Colors.Count - 1))];
            var values = Values(curves[i]);
            var points = new List<DataPoint>(values.Count);
            for (int layer = 1; layer <= values.Count; layer++)
            {
                double v = values[layer - 1];
                points.Add(double.IsFinite(v) && (!logY || v > 0) ? new DataPoint(layer, v) : DataPoint.Undefined);
            }
            model.Series.Add(new LineSeries
            {
                ItemsSource = points,
                Title = string.Create(CultureInfo.InvariantCulture, $"σ_w² = {curves[i].SigmaW2:0.###}"),
                Color = colour,
                StrokeThickness = 2,
            });
            if (CutoffPoint(curves[i], values) is { } cut && (!logY || cut.Y > 0))
            {
                var marker = CutoffMarker(colour);
                marker.RenderInLegend = false;
                marker.Points.Add(new ScatterPoint(cut.X, cut.Y));
                model.Series.Add(marker);
            }
        }
        if (curves.Any(c => CutoffPoint(c, Values(c)) is not null))
        {
            // One legend entry for every curve's cutoff marker.
            var legend = CutoffMarker(OxyColors.LightGray);
            legend.Title = "cutoff: deepest layer outside the tolerance";
            model.Series.Add(legend);
        }
        model.Legends.Add(new Legend
        {
            LegendPlacement = LegendPlacement.Outside,
            LegendPosition = LegendPosition.BottomCenter,
            LegendOrientation = LegendOrientation.Horizontal,
            LegendItemSpacing = 18,
            LegendBorderThickness = 0,
            LegendFontSize = 13,
        });
        return model;
    }

    /// <summary>
    /// Picks up to <paramref name="count"/> columns spread evenly over the σ_w² grid (first and last included).
    /// </summary>
    /// <param name="columns">The grid.</param>
    /// <param name="count">How many to pick (at least 1).</param>
    public static IReadOnlyList<PhaseColumn> Select(IReadOnlyList<PhaseColumn> columns, int count = DefaultCount)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var sorted = columns.OrderBy(c => c.SigmaW2).ToArray();
        if (sorted.Length <= count)
        {
            return sorted;
        }
        if (count == 1)
        {
            return [sorted[sorted.Length / 2]];
        }
        return [.. Enumerable.Range(0, count).Select(i => (int)Math.Round((double)i * (sorted.Length - 1) / (count - 1))).Distinct().Select(i => sorted[i])];
    }

    private static ScatterSeries CutoffMarker(OxyColor fill) => new()
    {
        MarkerType = MarkerType.Triangle,
        MarkerSize = 7,
        MarkerFill = fill,
        MarkerStroke = OxyColors.Black,
        MarkerStrokeThickness = 1,
    };

    private static IReadOnlyList<double> Values(PhaseColumn column) => column.MedianRelativeEntropy is { Count: > 0 } raw ? raw : column.NormalizedMedian;

    /// <summary>The curve point at the cutoff index (layer cutoff + 1: the deepest layer still outside the tolerance).</summary>
    private static DataPoint? CutoffPoint(PhaseColumn column, IReadOnlyList<double> values)
    {
        if (column.Cutoff is not { } cutoff || !double.IsFinite(cutoff))
        {
            return null;
        }
        int index = (int)Math.Round(cutoff);
        if (index < 0 || index >= values.Count || !double.IsFinite(values[index]))
        {
            return null;
        }
        return new DataPoint(index + 1, values[index]);
    }
}
