using System.Globalization;
using Entropy.MLNet.Sweep;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Entropy.MLNet.Reporting;

/// <summary>
/// The agreement picture of one ground-truth group: σ_w² (x) × depth (y), the measured trainable region of the first
/// seed shaded, every seed's measured boundary as markers (a censored boundary drawn as "≥" at the cap, "none" as a
/// cross below the shallowest depth), and the predictors' maximum trainable depths as lines (the probe's cutoff in the
/// phase diagram's colour, 6ξ_c dashed).
/// </summary>
public static class AgreementDiagram
{
    private static readonly OxyColor RegionColor = OxyColor.FromRgb(0xD9, 0xE6, 0xF2);
    private static readonly OxyColor[] SeedColors = [PhaseDiagram.GroundTruthColor, OxyColor.FromRgb(0x1F, 0x77, 0xB4), OxyColor.FromRgb(0x2C, 0xA0, 0x2C)];

    /// <summary>Builds the plot of <paramref name="group"/>.</summary>
    /// <exception cref="ArgumentException">The group has no boundaries.</exception>
    public static PlotModel Build(AgreementGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.Boundaries.Count == 0)
        {
            throw new ArgumentException("The ground-truth group has no boundaries yet.", nameof(group));
        }
        int cap = group.Settings.MaxDepth;
        double top = cap * 1.12;
        double[] xs = [.. group.Boundaries.Select(b => b.SigmaW2).Distinct().Order()];
        double half = xs.Length > 1 ? Enumerable.Range(1, xs.Length - 1).Min(i => xs[i] - xs[i - 1]) / 2 : 0.05;
        var c = CultureInfo.InvariantCulture;
        var model = new PlotModel
        {
            Title = $"{group.Name}: measured vs predicted maximum trainable depth",
            Subtitle = string.Create(c, $"trained = test accuracy ≥ {group.Settings.Threshold} within {group.Settings.Steps} SGD steps (lr {group.Settings.LearningRate}); depths {group.Settings.MinDepth}..{cap}; seeds {string.Join(", ", group.Seeds)}{(group.Complete ? string.Empty : " (incomplete)")}"),
            Background = OxyColors.White,
            PlotAreaBorderColor = OxyColors.Black,
            TitleFontSize = 16,
            SubtitleFontSize = 12,
            DefaultFontSize = 13,
            Padding = new OxyThickness(8, 8, 16, 8),
        };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "σ_w² (weight variance)", Minimum = xs[0] - half, Maximum = xs[^1] + half });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "depth", Minimum = 0, Maximum = top });

        model.Annotations.Add(new LineAnnotation
        {
            Type = LineAnnotationType.Horizontal,
            Y = cap,
            Color = OxyColors.Gray,
            LineStyle = LineStyle.Dot,
            Text = string.Create(c, $"cap {cap}"),
            TextColor = OxyColors.Gray,
        });
        int first = group.Seeds[0];
        var region = new RectangleBarSeries { FillColor = RegionColor, StrokeThickness = 0, Title = $"trained (seed {first})" };
        foreach (AgreementBoundary b in group.Boundaries.Where(b => b.Seed == first && b.MaxTrainableDepth > 0))
        {
            region.Items.Add(new RectangleBarItem(b.SigmaW2 - half, group.Settings.MinDepth - 0.5, b.SigmaW2 + half, b.MaxTrainableDepth + 0.5));
        }
        model.Series.Add(region);

        foreach (var predictor in group.Predictions.GroupBy(p => (p.Predictor, p.Source)))
        {
            bool theory = predictor.Key.Predictor == Agreement.TheoryName;
            var points = predictor.OrderBy(p => p.SigmaW2)
                .Select(p => double.IsNaN(p.Depth) ? DataPoint.Undefined : new DataPoint(p.SigmaW2, Math.Min(p.Depth, top))).ToList();
            model.Series.Add(new LineSeries
            {
                ItemsSource = points,
                Title = theory ? "6ξ_c (mean field)" : $"probe cutoff ({Path.GetFileName(predictor.Key.Source.TrimEnd('/'))})",
                Color = theory ? OxyColors.Black : PhaseDiagram.CutoffColor,
                LineStyle = theory ? LineStyle.Dash : LineStyle.Solid,
                StrokeThickness = 2,
                MarkerType = theory ? MarkerType.None : MarkerType.Circle,
                MarkerSize = 3,
                MarkerFill = PhaseDiagram.CutoffColor,
            });
        }

        for (int i = 0; i < group.Seeds.Count; i++)
        {
            int seed = group.Seeds[i];
            OxyColor color = SeedColors[i % SeedColors.Length];
            // Later seeds' markers sit a little to the right, so that equal boundaries stay visible.
            var seedBoundaries = group.Boundaries.Where(b => b.Seed == seed).Select(b => b with { SigmaW2 = b.SigmaW2 + (i * 0.3 * half) }).ToList();
            // Markers only; LineSeries rather than ScatterSeries so that the colour is the series' own.
            AddMarkers(model, seedBoundaries.Where(b => b.Status == GroundTruthBoundaryStatus.Found).Select(b => new DataPoint(b.SigmaW2, b.MaxTrainableDepth)),
                $"measured boundary, seed {seed}", MarkerType.Diamond, color, i == 0);
            AddMarkers(model, seedBoundaries.Where(b => b.Status == GroundTruthBoundaryStatus.Censored).Select(b => new DataPoint(b.SigmaW2, cap)),
                $"≥ {cap} (censored), seed {seed}", MarkerType.Triangle, color, i == 0);
            AddMarkers(model, seedBoundaries.Where(b => b.Status == GroundTruthBoundaryStatus.None).Select(b => new DataPoint(b.SigmaW2, group.Settings.MinDepth - 1)),
                $"no depth trains, seed {seed}", MarkerType.Cross, color, i == 0);
            foreach (AgreementBoundary b in seedBoundaries.Where(b => b.Status == GroundTruthBoundaryStatus.Censored))
            {
                model.Annotations.Add(new TextAnnotation
                {
                    Text = "≥",
                    TextPosition = new DataPoint(b.SigmaW2, cap + (top - cap) * 0.45),
                    TextColor = color,
                    StrokeThickness = 0,
                    FontSize = 14,
                });
            }
        }
        model.Legends.Add(new Legend
        {
            LegendPlacement = LegendPlacement.Outside,
            LegendPosition = LegendPosition.BottomCenter,
            LegendOrientation = LegendOrientation.Horizontal,
            LegendBorderThickness = 0,
            LegendFontSize = 12,
            LegendItemSpacing = 14,
        });
        return model;
    }

    /// <summary>Writes the picture of <paramref name="group"/> as a PNG.</summary>
    public static void Write(AgreementGroup group, string path, int width = PhaseDiagram.DefaultWidth, int height = PhaseDiagram.DefaultHeight)
        => PlotPng.Write(Build(group), path, width, height);

    private static void AddMarkers(PlotModel model, IEnumerable<DataPoint> points, string title, MarkerType marker, OxyColor color, bool filled)
    {
        var list = points.ToList();
        if (list.Count == 0)
        {
            return;
        }
        model.Series.Add(new LineSeries
        {
            ItemsSource = list,
            LineStyle = LineStyle.None,
            Title = title,
            MarkerType = marker,
            MarkerSize = 6,
            MarkerFill = filled ? color : OxyColors.White,
            MarkerStroke = filled && marker != MarkerType.Cross ? OxyColors.Black : color,
            MarkerStrokeThickness = marker == MarkerType.Cross ? 2 : 1,
        });
    }
}
