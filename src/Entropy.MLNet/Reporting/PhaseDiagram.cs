using System.Globalization;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Entropy.MLNet.Reporting;

/// <summary>
/// The phase-diagram picture: σ_w² (x) × layer (y), coloured by the normalised median relative entropy (viridis),
/// overlaid with the probe's cutoff, the mean-field ξ_c and 6ξ_c, the ground-truth maximum trainable depth (when
/// present) and the critical σ_w² — the comparison the authors draw in <c>plot_falling.py</c>, over the heatmap.
/// </summary>
public static class PhaseDiagram
{
    /// <summary>Default picture width in pixels.</summary>
    public const int DefaultWidth = 1000;

    /// <summary>Default picture height in pixels.</summary>
    public const int DefaultHeight = 640;

    /// <summary>Colour of the cutoff line.</summary>
    internal static readonly OxyColor CutoffColor = OxyColor.FromRgb(0xE6, 0x3B, 0x2E);

    // The calibrated prediction: the product's answer, in a colour apart from the cutoff's and the heatmap's.
    internal static readonly OxyColor PredictionColor = OxyColor.FromRgb(0xFF, 0x9F, 0x1C);

    /// <summary>Colour of the ground-truth markers.</summary>
    internal static readonly OxyColor GroundTruthColor = OxyColor.FromRgb(0xFF, 0x4F, 0xD8);

    /// <summary>Builds the plot of one panel.</summary>
    /// <param name="panel">The data.</param>
    /// <exception cref="ArgumentException">The panel has no columns or no layers.</exception>
    public static PlotModel Build(PhaseDiagramPanel panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var columns = panel.Columns.OrderBy(c => c.SigmaW2).ToArray();
        if (columns.Length == 0)
        {
            throw new ArgumentException("The phase diagram has no σ_w² columns.", nameof(panel));
        }
        int layers = panel.MaxDepth > 0 ? panel.MaxDepth : columns.Max(c => c.NormalizedMedian.Count);
        if (layers < 1)
        {
            throw new ArgumentException("The phase diagram has no layers.", nameof(panel));
        }
        double xMin = CellEdges(columns, 0).Left;
        double xMax = CellEdges(columns, columns.Length - 1).Right;
        var model = new PlotModel
        {
            Title = panel.Title,
            Background = OxyColors.White,
            PlotAreaBorderColor = OxyColors.Black,
            TitleFontSize = 16,
            DefaultFontSize = 13,
            Padding = new OxyThickness(8, 8, 16, 8),
        };
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom,
            Title = "σ_w² (weight variance)",
            Minimum = xMin,
            Maximum = xMax,
            MajorGridlineStyle = LineStyle.None,
            MinorGridlineStyle = LineStyle.None,
        });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left,
            Title = "layer ℓ (depth)",
            Minimum = 0.5,
            Maximum = layers + 0.5,
            MajorGridlineStyle = LineStyle.None,
            MinorGridlineStyle = LineStyle.None,
        });
        var (low, high) = ColourRange(columns);
        model.Axes.Add(new LinearColorAxis
        {
            Position = AxisPosition.Right,
            Key = "colour",
            Title = "normalised relative entropy (median of D_ℓ / D_last)",
            Palette = OxyPalettes.Viridis(256),
            Minimum = low,
            Maximum = high,
            HighColor = OxyPalettes.Viridis(256).Colors[^1],
            LowColor = OxyPalettes.Viridis(256).Colors[0],
            InvalidNumberColor = OxyColors.LightGray,
            PositionTier = 0,
        });
        model.Series.Add(Heatmap(columns, layers));
        AddReferenceLine(model, columns, c => c.XiC, "ξ_c (mean field)", LineStyle.Solid);
        AddReferenceLine(model, columns, c => c.SixXiC, "6ξ_c (mean-field trainable depth)", LineStyle.Dash);
        AddCutoff(model, columns);
        AddPrediction(model, columns, layers);
        AddGroundTruth(model, columns);
        if (panel.CriticalSigmaW2 is { } critical && double.IsFinite(critical) && critical >= xMin && critical <= xMax)
        {
            // Drawn as a series rather than an annotation so that its label sits in the legend, not over the data.
            var line = new[] { new DataPoint(critical, 0.5), new DataPoint(critical, layers + 0.5) };
            model.Series.Add(new LineSeries { ItemsSource = line, Color = OxyColor.FromAColor(160, OxyColors.Black), StrokeThickness = 5, RenderInLegend = false });
            model.Series.Add(new LineSeries
            {
                ItemsSource = line,
                Color = OxyColors.White,
                StrokeThickness = 2,
                LineStyle = LineStyle.Dash,
                Title = string.Create(CultureInfo.InvariantCulture, $"critical σ_w² = {critical:0.###} (mean field)"),
            });
        }
        model.Legends.Add(new Legend
        {
            LegendPlacement = LegendPlacement.Outside,
            LegendPosition = LegendPosition.BottomCenter,
            LegendOrientation = LegendOrientation.Horizontal,
            LegendBorderThickness = 0,
            LegendFontSize = 13,
            LegendItemSpacing = 18,
        });
        return model;
    }

    /// <summary>The cells: one rectangle per (σ_w², layer), spanning half-way to the neighbouring σ_w² values.</summary>
    private static RectangleSeries Heatmap(PhaseColumn[] columns, int layers)
    {
        var series = new RectangleSeries { ColorAxisKey = "colour", RenderInLegend = false, LabelFontSize = 0 };
        for (int i = 0; i < columns.Length; i++)
        {
            var (left, right) = CellEdges(columns, i);
            var values = columns[i].NormalizedMedian;
            for (int layer = 1; layer <= Math.Min(layers, values.Count); layer++)
            {
                series.Items.Add(new RectangleItem(left, right, layer - 0.5, layer + 0.5, values[layer - 1]));
            }
        }
        return series;
    }

    /// <summary>The x extent of column <paramref name="index"/>: half-way to its neighbours (a lone column is 0.1 wide).</summary>
    private static (double Left, double Right) CellEdges(PhaseColumn[] columns, int index)
    {
        double x = columns[index].SigmaW2;
        if (columns.Length == 1)
        {
            return (x - 0.05, x + 0.05);
        }
        double left = index > 0 ? (x + columns[index - 1].SigmaW2) / 2 : x - ((columns[1].SigmaW2 - x) / 2);
        double right = index < columns.Length - 1 ? (x + columns[index + 1].SigmaW2) / 2 : x + ((x - columns[index - 1].SigmaW2) / 2);
        return (left, right);
    }

    /// <summary>
    /// Colour range: the 1st to the 99th percentile of the finite values, so that the contrast goes where the data
    /// are (real curves often vary by only ~10 % around 1) and one outlier does not wash out the rest.
    /// </summary>
    internal static (double Low, double High) ColourRange(IEnumerable<PhaseColumn> columns)
    {
        var values = columns.SelectMany(c => c.NormalizedMedian).Where(double.IsFinite).Order().ToArray();
        if (values.Length == 0)
        {
            return (0, 1);
        }
        double low = values[(int)Math.Floor(0.01 * (values.Length - 1))];
        double high = values[(int)Math.Ceiling(0.99 * (values.Length - 1))];
        if (!(high > low))
        {
            // A flat field: centre a unit range on it.
            return (low - 0.5, low + 0.5);
        }
        return (low, high);
    }

    private static void AddReferenceLine(PlotModel model, PhaseColumn[] columns, Func<PhaseColumn, double?> value, string title, LineStyle style)
    {
        var points = columns.Select(c => value(c) is { } v && double.IsFinite(v) ? new DataPoint(c.SigmaW2, v) : DataPoint.Undefined).ToList();
        if (points.All(p => !p.IsDefined()))
        {
            return;
        }
        // A white halo under a black line keeps it visible over dark and bright cells alike.
        model.Series.Add(new LineSeries { ItemsSource = points, Color = OxyColor.FromAColor(220, OxyColors.White), StrokeThickness = 5, RenderInLegend = false });
        model.Series.Add(new LineSeries { ItemsSource = points, Color = OxyColors.Black, StrokeThickness = 2, LineStyle = style, Title = title });
    }

    private static void AddCutoff(PlotModel model, PhaseColumn[] columns) =>
        AddDepthLine(model, columns.Where(c => c.Cutoff is { } v && double.IsFinite(v)).Select(c => new DataPoint(c.SigmaW2, c.Cutoff!.Value)),
            "probe cutoff (authors' rule)", CutoffColor, MarkerType.Circle);

    /// <summary>The calibrated predicted depth, drawn up to the top of the picture (a deeper prediction sits on the edge).</summary>
    private static void AddPrediction(PlotModel model, PhaseColumn[] columns, int layers) =>
        AddDepthLine(model, columns.Where(c => c.PredictedDepth is { } v && !double.IsNaN(v))
            .Select(c => new DataPoint(c.SigmaW2, Math.Min(c.PredictedDepth!.Value, layers + 0.5))),
            "predicted max. trainable depth (calibrated)", PredictionColor, MarkerType.Square);

    /// <summary>A depth per σ_w², as a coloured line with white-rimmed markers; nothing when there are no points.</summary>
    private static void AddDepthLine(PlotModel model, IEnumerable<DataPoint> depths, string title, OxyColor colour, MarkerType marker)
    {
        var points = depths.ToList();
        if (points.Count == 0)
        {
            return;
        }
        model.Series.Add(new LineSeries
        {
            ItemsSource = points,
            Title = title,
            Color = colour,
            StrokeThickness = 2.5,
            MarkerType = marker,
            MarkerSize = 4,
            MarkerFill = colour,
            MarkerStroke = OxyColors.White,
            MarkerStrokeThickness = 1,
        });
    }

    private static void AddGroundTruth(PlotModel model, PhaseColumn[] columns)
    {
        var points = columns.Where(c => c.GroundTruthMaxDepth is not null)
            .Select(c => new DataPoint(c.SigmaW2, c.GroundTruthMaxDepth!.Value)).ToList();
        if (points.Count == 0)
        {
            return;
        }
        // Markers only; a LineSeries rather than a ScatterSeries, which would take its colour from the heatmap's colour axis.
        model.Series.Add(new LineSeries
        {
            ItemsSource = points,
            LineStyle = LineStyle.None,
            Title = "ground truth: max. trainable depth",
            MarkerType = MarkerType.Diamond,
            MarkerSize = 6,
            MarkerFill = GroundTruthColor,
            MarkerStroke = OxyColors.Black,
            MarkerStrokeThickness = 1,
        });
    }
}
