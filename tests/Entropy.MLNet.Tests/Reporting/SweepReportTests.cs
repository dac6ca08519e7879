using Entropy.MLNet.Tests.Cli;
#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using System.Text.Json;
using Entropy.MLNet.Data;
using Entropy.MLNet.Reporting;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Tests.Sweep;

namespace Entropy.MLNet.Tests.Reporting;

[TestClass]
public sealed class SweepReportTests
{
    private const string Hostile = "<img src=x onerror=alert(1)>";

    /// <summary>A results directory as a sweep writes it (through the sweep's own row types), with ground truth and timings.</summary>
    private static SweepSettings WriteSyntheticResults(string dir, bool groundTruth = true, double[]? sigmaB2 = null)
    {
        var columns = ReportPictures.Columns(layers: 10);
        var settings = new SweepSettings
        {
            Dataset = "mnist " + Hostile,
            DatasetSource = "embedded",
            SigmaW2 = [.. columns.Select(c => c.SigmaW2)],
            SigmaB2 = sigmaB2 ?? [0.05],
            MaxDepth = 12,
            GroundTruth = groundTruth ? new GroundTruthSettings() : null,
        };
        File.WriteAllText(Path.Combine(dir, SweepSettings.FileName), settings.ToJson());
        var results = new List<string> { string.Join(',', SweepRecord.Header) };
        var curves = new List<string> { string.Join(',', SweepCurvePoint.Header) };
        var truth = new List<string> { string.Join(',', GroundTruthRecord.Header) };
        var timings = new List<string> { string.Join(',', SweepTiming.Header) };
        foreach (double sb in settings.SigmaB2)
        {
            foreach (var c in columns)
            {
                results.Add(new SweepRecord
                {
                    SigmaW2 = c.SigmaW2, SigmaB2 = sb, MaxDepth = settings.MaxDepth, Cutoff = (int)c.Cutoff!.Value, Seed = 1,
                    Chi1 = c.SigmaW2 / ReportPictures.CriticalSigmaW2, XiC = c.XiC, SixXiC = c.SixXiC,
                    GtMaxTrainableDepth = groundTruth ? c.GroundTruthMaxDepth : null, GtTestAccuracy = groundTruth ? 0.6 : null,
                }.ToCsv());
                for (int l = 1; l <= c.NormalizedMedian.Count; l++)
                {
                    curves.Add(new SweepCurvePoint
                    {
                        SigmaW2 = c.SigmaW2, SigmaB2 = sb, Layer = l, MedianRelativeEntropy = (float)c.MedianRelativeEntropy![l - 1],
                        NormalizedMedian = (float)c.NormalizedMedian[l - 1], MeanRelativeEntropy = 0.3f, DifferentialEntropy = -5, DecoderTestMse = 0.01f,
                    }.ToCsv());
                }
                if (groundTruth)
                {
                    truth.Add(new GroundTruthRecord { SigmaW2 = c.SigmaW2, SigmaB2 = sb, Depth = 4, Trainable = true, BestTestAccuracy = 0.6, Epochs = 1 }.ToCsv());
                }
                timings.Add(new SweepTiming { SigmaW2 = c.SigmaW2, SigmaB2 = sb, ProbeSeconds = 1.5, GroundTruthSeconds = groundTruth ? 3 : 0, Threads = 2, Machine = "box" + Hostile }.ToCsv());
            }
        }
        File.WriteAllText(Path.Combine(dir, SweepRecord.FileName), string.Join('\n', results) + "\n");
        File.WriteAllText(Path.Combine(dir, SweepCurvePoint.FileName), string.Join('\n', curves) + "\n");
        if (groundTruth)
        {
            File.WriteAllText(Path.Combine(dir, GroundTruthRecord.FileName), string.Join('\n', truth) + "\n");
        }
        File.WriteAllText(Path.Combine(dir, SweepTiming.FileName), string.Join('\n', timings) + "\n");
        return settings;
    }

    [TestMethod]
    public void Write_SyntheticResults_PicturesAndSelfContainedEscapedHtml()
    {
        using var temp = new TempDirectory();
        WriteSyntheticResults(temp.Path);

        var files = SweepReport.Write(temp.Path);

        Assert.AreEqual(Path.Combine(temp.Path, SweepReport.HtmlFileName), files.Html);
        CollectionAssert.AreEquivalent(new[] { "phase-diagram.png", "entropy-curves.png" }, files.Pictures.Select(Path.GetFileName).ToArray());
        using (var phase = ReportPictures.Decode(File.ReadAllBytes(files.Pictures[0])))
        {
            Assert.AreEqual(PhaseDiagram.DefaultWidth, phase.Width);
            Assert.AreEqual(PhaseDiagram.DefaultHeight, phase.Height);
        }
        string html = File.ReadAllText(files.Html);
        Assert.AreEqual(2, html.Split("data:image/png;base64,").Length - 1);
        StringAssert.Contains(html, "<th>entropySamples</th><td>100</td>");
        StringAssert.Contains(html, "<th>groundTruth.optimizer</th><td>sgd</td>");
        StringAssert.Contains(html, "&lt;img src=x onerror=alert(1)&gt;");
        Assert.DoesNotContain(Hostile, html);
        StringAssert.Contains(html, "Agreement with ground truth");
        StringAssert.Contains(html, "probe (cutoff ≥ L)");
        StringAssert.Contains(html, "mean field (6ξ_c ≥ L)");
        StringAssert.Contains(html, "Timings");
        Assert.IsTrue(html.Contains("critical σ_w² is 1.761", StringComparison.Ordinal), "critical point of σ_b² = 0.05");
    }

    [TestMethod]
    public void Write_NoGroundTruthTwoSigmaB2_NoAgreementOnePanelEach()
    {
        using var temp = new TempDirectory();
        WriteSyntheticResults(temp.Path, groundTruth: false, sigmaB2: [0.05, 0.3]);

        var files = SweepReport.Write(temp.Path);

        CollectionAssert.AreEquivalent(
            new[] { "phase-diagram_sigmaB2_0.05.png", "entropy-curves_sigmaB2_0.05.png", "phase-diagram_sigmaB2_0.3.png", "entropy-curves_sigmaB2_0.3.png" },
            files.Pictures.Select(Path.GetFileName).ToArray());
        string html = File.ReadAllText(files.Html);
        Assert.DoesNotContain("Agreement with ground truth", html);
        // The critical point of each σ_b² (tanh: 1.761 at 0.05, 2.505 at 0.3).
        Assert.IsTrue(html.Contains("critical σ_w² is 1.761", StringComparison.Ordinal), "critical point of σ_b² = 0.05");
        Assert.IsTrue(html.Contains("critical σ_w² is 2.505", StringComparison.Ordinal), "critical point of σ_b² = 0.3");
    }

    [TestMethod]
    public async Task Report_MissingDirectory_ExitOneWithOneLine()
    {
        string missing = Path.Combine(Path.GetTempPath(), "entropy-no-such-results-" + Guid.NewGuid().ToString("N"));

        var (exit, stdout, stderr) = await CliRunner.RunAsync("report", missing);

        Assert.AreEqual(1, exit);
        Assert.AreEqual(string.Empty, stdout);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines.Where(l => l.StartsWith("entropy report: error:", StringComparison.Ordinal)));
        StringAssert.Contains(stderr, missing);
    }

    [TestMethod]
    public async Task Report_CorruptResults_ExitOneNamingTheFile()
    {
        using var temp = new TempDirectory();
        WriteSyntheticResults(temp.Path);
        File.WriteAllText(Path.Combine(temp.Path, SweepRecord.FileName), string.Join(',', SweepRecord.Header) + "\nthis,is,not,a,row\n");

        var (exit, _, stderr) = await CliRunner.RunAsync("report", temp.Path);

        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "entropy report: error:");
        StringAssert.Contains(stderr, SweepRecord.FileName);
        Assert.IsFalse(File.Exists(Path.Combine(temp.Path, SweepReport.HtmlFileName)));
    }

    [TestMethod]
    public async Task Report_TinyRealSweep_WritesFilesAndJsonPaths()
    {
        using var temp = new TempDirectory();
        var settings = new SweepSettings
        {
            Dataset = "mnist",
            DatasetSource = "embedded",
            SigmaW2 = [1.0, 2.5],
            SigmaB2 = [0.05],
            MaxDepth = 6,
            Width = "16",
            TrainSamples = 128,
            EntropySamples = 8,
        };
        var train = DatasetCatalog.Load("mnist", "train");
        var test = DatasetCatalog.Load("mnist", "test");
        SweepRunner.Run(settings, train, test, temp.Path, new SweepRunOptions { Device = DeviceKind.Cpu, Threads = 1, ReconstructionImages = 2, ReconstructionWriter = (path, r) => ReconstructionGrid.Write(path, r) });

        var (exit, stdout, stderr) = await CliRunner.RunAsync("report", temp.Path, "--format", "json");

        Assert.AreEqual(0, exit, stderr);
        using var json = JsonDocument.Parse(stdout);
        string html = json.RootElement.GetProperty("report").GetString()!;
        Assert.IsTrue(File.Exists(html));
        var pictures = json.RootElement.GetProperty("pictures").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.HasCount(2, pictures);
        foreach (string picture in pictures)
        {
            using var bitmap = ReportPictures.Decode(File.ReadAllBytes(picture));
            Assert.IsGreaterThan(50, ReportPictures.DistinctColours(bitmap));
        }
        string text = File.ReadAllText(html);
        // Phase diagram, entropy curves and the probe's reconstruction grids of both configurations.
        Assert.AreEqual(4, text.Split("data:image/png;base64,").Length - 1);
    }
}
