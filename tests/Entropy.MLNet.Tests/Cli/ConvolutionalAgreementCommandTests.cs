using System.Text.Json;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Tests.Sweep;

namespace Entropy.MLNet.Tests.Cli;

/// <summary><c>entropy groundtruth</c> and <c>entropy agreement</c> for a CNN: tiny directories, end to end.</summary>
[TestClass]
[DoNotParallelize]
public sealed class ConvolutionalAgreementCommandTests
{
    [TestMethod]
    public async Task Agreement_CnnSweepAgainstCnnGroundTruth_ScoresItsCurveLength_AndRefusesAnotherFamily()
    {
        using var dir = new TempDirectory();
        string sweep = dir.Sub("sweep");
        string truth = dir.Sub("truth");
        var (s, _, sErr) = await CliRunner.RunAsync("sweep", "--architecture", "cnn", "--channels", "4", "--sigma-w2", "0.5,1", "--depth", "4",
            "--train-samples", "100", "--entropy-samples", "10", "--device", "cpu", "--threads", "1", "--no-report", "--out", sweep);
        var (g, _, gErr) = await CliRunner.RunAsync("groundtruth", "--architecture", "cnn", "--channels", "4", "--sigma-w2", "0.5,1", "--steps", "10",
            "--evaluate-every", "10", "--batch-size", "20", "--train-samples", "200", "--test-samples", "50", "--max-depth", "6", "--threshold", "0.15",
            "--threads", "1", "--device", "cpu", "--out", truth);
        Assert.AreEqual(0, s, sErr);
        Assert.AreEqual(0, g, gErr);
        GroundTruthSetSettings written = GroundTruthSetSettings.Load(truth);
        Assert.AreEqual("cnn", written.Architecture);
        Assert.AreEqual(4, written.Channels);
        Assert.AreEqual("wide", written.Width);
        Assert.AreEqual(2e-5, written.SigmaB2.Single()); // the family's default

        var (exit, stdout, stderr) = await CliRunner.RunAsync("agreement", "--truth", truth, "--sweep", sweep, "--format", "json");

        Assert.AreEqual(0, exit, stderr);
        using var json = JsonDocument.Parse(stdout);
        var rows = json.RootElement.GetProperty("groups")[0].GetProperty("rows").EnumerateArray().ToList();
        var probe = rows.Single(r => r.GetProperty("predictor").GetString() == "probe");
        // A depth-4 CNN decodes 6 layers, 4 on the curve: it answers up to 4 (an MLP of depth 4 would answer up to 2).
        Assert.AreEqual(4, probe.GetProperty("maxDepth").GetInt32());
        Assert.AreEqual(2, probe.GetProperty("metrics").GetProperty("configurations").GetInt32());
        Assert.IsTrue(rows.Any(r => r.GetProperty("predictor").GetString() == Agreement.TheoryName), "the CNN keeps its mean-field line");
        Assert.IsFalse(rows.Any(r => r.GetProperty("predictor").GetString()!.StartsWith("cal-", StringComparison.Ordinal)), "the calibration is the MLP's");
        StringAssert.Contains(json.RootElement.GetProperty("groups")[0].GetProperty("name").GetString(), "cnn c4");

        // The same sweep against an MLP set, and against a CNN set of other channels: one line each, naming the sweep.
        foreach (var (name, settings) in new[]
        {
            ("mlp", new GroundTruthSetSettings { Dataset = "mnist", DatasetSource = "embedded", SigmaW2 = [0.5, 1.0], Threshold = 0.15, MaxDepth = 6 }),
            ("cnn8", written with { Channels = 8 }),
        })
        {
            string other = dir.Sub(name);
            Directory.CreateDirectory(other);
            File.WriteAllText(Path.Combine(other, GroundTruthSetSettings.FileName), settings.ToJson());
            var (refused, _, error) = await CliRunner.RunAsync("agreement", "--truth", other, "--sweep", sweep);
            Assert.AreEqual(1, refused, name);
            Assert.AreEqual(1, error.Trim().Split('\n').Length, error);
            StringAssert.Contains(error, sweep);
            StringAssert.Contains(error, "a cnn with 4 channels");
        }
    }

    [TestMethod]
    public async Task GroundTruth_WidthForACnn_OneLineError()
    {
        using var dir = new TempDirectory();
        var (exit, _, stderr) = await CliRunner.RunAsync("groundtruth", "--architecture", "cnn", "--width", "64", "--sigma-w2", "1", "--out", dir.Path);
        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "--width");
        Assert.AreEqual(1, stderr.Trim().Split('\n').Length);
    }
}
