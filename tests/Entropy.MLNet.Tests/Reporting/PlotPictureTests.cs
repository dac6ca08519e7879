#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Reporting;
using OxyPlot;
using OxyPlot.Axes;
using SkiaSharp;

namespace Entropy.MLNet.Tests.Reporting;

[TestClass]
public sealed class PlotPictureTests
{
    [TestMethod]
    public void PlotPng_Title_DrawsGlyphsWithTheEmbeddedFont()
    {
        static PlotModel Model(string title)
        {
            var model = new PlotModel { Title = title, Background = OxyColors.White };
            model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom });
            model.Axes.Add(new LinearAxis { Position = AxisPosition.Left });
            return model;
        }

        using var titled = ReportPictures.Decode(PlotPng.Encode(Model("Hello σ_w² ξ_c"), 400, 300));
        using var untitled = ReportPictures.Decode(PlotPng.Encode(Model(" "), 400, 300));

        // Same layout (a blank title takes the same height); the title band has ink only when glyphs are drawn
        // (a typeface without glyphs draws nothing, silently).
        var band = new SKRectI(100, 0, 300, 30);
        Assert.AreEqual(0, ReportPictures.DarkPixels(untitled, band));
        Assert.IsGreaterThan(30, ReportPictures.DarkPixels(titled, band));
    }

    [TestMethod]
    public void PlotPng_SizeOutOfRange_Throws()
    {
        var model = new PlotModel();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PlotPng.Encode(model, 0, 100));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PlotPng.Encode(model, 100, PlotPng.MaxSize + 1));
    }

    [TestMethod]
    public void PhaseDiagram_SyntheticGrid_PngOfRequestedSizeWithContent()
    {
        using var bitmap = ReportPictures.Decode(PlotPng.Encode(PhaseDiagram.Build(ReportPictures.Panel()), 700, 450));

        Assert.AreEqual(700, bitmap.Width);
        Assert.AreEqual(450, bitmap.Height);
        Assert.IsGreaterThan(200, ReportPictures.DistinctColours(bitmap), "a heatmap, lines and text");
        Assert.IsGreaterThan(0, ReportPictures.CountNear(bitmap, ToSkia(PhaseDiagram.CutoffColor)), "the cutoff line");
        // Viridis ends: both phases' colours are present (rising and falling curves).
        Assert.IsGreaterThan(0, ReportPictures.CountNear(bitmap, ToSkia(OxyPalettes.Viridis(256).Colors[0]), 20));
        Assert.IsGreaterThan(0, ReportPictures.CountNear(bitmap, ToSkia(OxyPalettes.Viridis(256).Colors[^1]), 20));
    }

    [TestMethod]
    public void PhaseDiagram_GroundTruth_DrawnOnlyWhenPresent()
    {
        using var with = ReportPictures.Decode(PlotPng.Encode(PhaseDiagram.Build(ReportPictures.Panel(groundTruth: true)), 600, 400));
        using var without = ReportPictures.Decode(PlotPng.Encode(PhaseDiagram.Build(ReportPictures.Panel(groundTruth: false)), 600, 400));

        var marker = ToSkia(PhaseDiagram.GroundTruthColor);
        Assert.IsGreaterThan(100, ReportPictures.CountNear(with, marker));
        Assert.AreEqual(0, ReportPictures.CountNear(without, marker));
    }

    [TestMethod]
    public void PhaseDiagram_CalibratedPrediction_DrawnOnlyWhenPresentAndClippedToThePicture()
    {
        PhaseDiagramPanel panel = ReportPictures.Panel(groundTruth: false);
        // A prediction per column, one of them deeper than the picture and one unbounded (no collapse, no MSE).
        var predicted = panel with
        {
            Columns = [.. panel.Columns.Select((c, i) => c with { PredictedDepth = i == 0 ? 1e6 : i == 1 ? double.PositiveInfinity : 2 + (i % 5) })],
        };
        using var with = ReportPictures.Decode(PlotPng.Encode(PhaseDiagram.Build(predicted), 600, 400));
        using var without = ReportPictures.Decode(PlotPng.Encode(PhaseDiagram.Build(panel), 600, 400));

        var colour = ToSkia(PhaseDiagram.PredictionColor);
        Assert.IsGreaterThan(100, ReportPictures.CountNear(with, colour));
        Assert.AreEqual(0, ReportPictures.CountNear(without, colour));
        var line = PhaseDiagram.Build(predicted).Series.OfType<OxyPlot.Series.LineSeries>().Single(s => s.Title?.Contains("calibrated", StringComparison.Ordinal) == true);
        Assert.IsTrue(line.ItemsSource.Cast<DataPoint>().All(p => double.IsFinite(p.Y) && p.Y <= 12.5), "clipped at the top of the picture");
    }

    [TestMethod]
    public void PhaseDiagram_CriticalPoint_InLegendAndAsLine()
    {
        var with = PhaseDiagram.Build(ReportPictures.Panel());
        var without = PhaseDiagram.Build(ReportPictures.Panel(critical: null));
        var outside = PhaseDiagram.Build(ReportPictures.Panel(critical: 9.0));

        Assert.IsTrue(with.Series.Any(s => s.Title is { } t && t.Contains("critical σ_w² = 1.761", StringComparison.Ordinal)));
        Assert.IsFalse(without.Series.Any(s => s.Title?.Contains("critical", StringComparison.Ordinal) == true));
        Assert.IsFalse(outside.Series.Any(s => s.Title?.Contains("critical", StringComparison.Ordinal) == true));
    }

    [TestMethod]
    public void PhaseDiagram_NoColumns_Throws()
    {
        var panel = ReportPictures.Panel() with { Columns = [] };
        Assert.ThrowsExactly<ArgumentException>(() => PhaseDiagram.Build(panel));
    }

    [TestMethod]
    public void PhaseDiagram_ColourRange_IgnoresOutliersAndFollowsTheData()
    {
        var columns = ReportPictures.Columns();
        columns[3] = columns[3] with { NormalizedMedian = [.. columns[3].NormalizedMedian.Select((v, i) => i == 0 ? 1e6 : v)] };
        // Real curves often vary by ~10 % around 1: the range must follow them, not start at 0.
        var narrow = Enumerable.Range(0, 10).Select(k => new PhaseColumn
        {
            SigmaW2 = 1 + (0.1 * k),
            NormalizedMedian = [.. Enumerable.Range(0, 20).Select(l => 0.9 + (0.005 * l))],
        });

        var (low, high) = PhaseDiagram.ColourRange(columns);
        var (narrowLow, narrowHigh) = PhaseDiagram.ColourRange(narrow);

        Assert.IsLessThan(2, high);
        Assert.IsGreaterThanOrEqualTo(0, low);
        Assert.AreEqual(0.9, narrowLow, 1e-12);
        Assert.AreEqual(0.995, narrowHigh, 1e-12);
    }

    [TestMethod]
    public void EntropyCurves_Synthetic_PngOfRequestedSizeWithContent()
    {
        var columns = ReportPictures.Columns();
        var model = EntropyCurves.Build("Relative entropy per layer", EntropyCurves.Select(columns));
        using var bitmap = ReportPictures.Decode(PlotPng.Encode(model, 640, 400));

        Assert.AreEqual(640, bitmap.Width);
        Assert.AreEqual(400, bitmap.Height);
        Assert.IsGreaterThan(50, ReportPictures.DistinctColours(bitmap));
        Assert.AreEqual(EntropyCurves.DefaultCount, model.Series.OfType<OxyPlot.Series.LineSeries>().Count());
    }

    [TestMethod]
    public void EntropyCurves_Select_SpreadsOverTheGridWithBothEnds()
    {
        var columns = ReportPictures.Columns();

        var picked = EntropyCurves.Select(columns, 4);

        CollectionAssert.AreEqual(new[] { 0.5, 1.75, 2.75, 4.0 }, picked.Select(c => c.SigmaW2).ToArray());
        Assert.HasCount(columns.Count, EntropyCurves.Select(columns, 100));
    }

    private static SKColor ToSkia(OxyColor c) => new(c.R, c.G, c.B, c.A);
}
