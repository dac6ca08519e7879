using System.Text.Json;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Tests.Sweep;

namespace Entropy.MLNet.Tests.Cli;

[TestClass]
[DoNotParallelize]
public sealed class AgreementCommandTests
{
    [TestMethod]
    public async Task Agreement_FolderOfSets_JsonAndPicture()
    {
        using var dir = new TempDirectory();
        foreach (int seed in new[] { 1, 2 })
        {
            string set = dir.Sub($"mnist-seed{seed}");
            Directory.CreateDirectory(set);
            var settings = new GroundTruthSetSettings { Dataset = "mnist", DatasetSource = "files", SigmaW2 = [1.0, 2.0], Threshold = 0.5, MaxDepth = 10, Seed = seed };
            File.WriteAllText(Path.Combine(set, GroundTruthSetSettings.FileName), settings.ToJson());
            File.WriteAllText(Path.Combine(set, GroundTruthBoundary.FileName), string.Join(',', GroundTruthBoundary.Header) + "\n"
                + $"mnist,128,tanh,1,0.05,{seed},500,2,10,found,{3 + seed},5,,10\n"
                + $"mnist,128,tanh,2,0.05,{seed},500,2,10,censored,10,1,,20\n");
        }

        var (exit, stdout, stderr) = await CliRunner.RunAsync("agreement", "--truth", dir.Path, "--plot", dir.Sub("plots"), "--format", "json");

        Assert.AreEqual(0, exit, stderr);
        using var json = JsonDocument.Parse(stdout);
        var group = json.RootElement.GetProperty("groups").EnumerateArray().Single();
        Assert.AreEqual(2, group.GetProperty("seeds").GetArrayLength());
        Assert.IsTrue(group.GetProperty("rows").EnumerateArray().Any(r => r.GetProperty("predictor").GetString() == "seed 2"));
        Assert.IsTrue(File.Exists(Path.Combine(dir.Sub("plots"), "agreement-mnist-tanh-w128-500.png")));
    }

    [TestMethod]
    public async Task Agreement_WithSweep_ScoresTheProbeOnItsRangeWithComputeRatio()
    {
        using var dir = new TempDirectory();
        string sweep = dir.Sub("sweep");
        string truth = dir.Sub("truth");
        var (s, _, sErr) = await CliRunner.RunAsync("sweep", "--sigma-w2", "1,2", "--depth", "6", "--width", "8", "--train-samples", "200", "--entropy-samples", "20",
            "--device", "cpu", "--threads", "1", "--no-report", "--out", sweep);
        var (g, _, gErr) = await CliRunner.RunAsync("groundtruth", "--sigma-w2", "1,2", "--width", "8", "--steps", "20", "--evaluate-every", "10", "--train-samples", "300",
            "--test-samples", "100", "--max-depth", "8", "--threshold", "0.2", "--threads", "1", "--device", "cpu", "--out", truth);
        Assert.AreEqual(0, s, sErr);
        Assert.AreEqual(0, g, gErr);

        var (exit, stdout, stderr) = await CliRunner.RunAsync("agreement", "--truth", truth, "--sweep", sweep, "--format", "json");

        Assert.AreEqual(0, exit, stderr);
        using var json = JsonDocument.Parse(stdout);
        var probe = json.RootElement.GetProperty("groups")[0].GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("predictor").GetString() == "probe");
        Assert.AreEqual(4, probe.GetProperty("maxDepth").GetInt32()); // a depth-6 probe answers up to layer 4, below the cap 8
        Assert.AreEqual(2, probe.GetProperty("metrics").GetProperty("configurations").GetInt32());
        double iou = probe.GetProperty("metrics").GetProperty("iou").GetDouble(); // "iou", not the naming policy's "ioU"
        Assert.IsTrue(iou is >= 0 and <= 1, $"iou {iou}");
        Assert.IsGreaterThan(0.0, probe.GetProperty("computeRatio").GetDouble());
    }

    [TestMethod]
    public async Task Agreement_NotAGroundTruthFolder_OneLineError()
    {
        using var dir = new TempDirectory();
        var (exit, _, stderr) = await CliRunner.RunAsync("agreement", "--truth", dir.Path);
        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "--truth");
        Assert.AreEqual(1, stderr.Trim().Split('\n').Length);
    }
}
