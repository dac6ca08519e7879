using System.Text.Json;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Tests.Sweep;

namespace Entropy.MLNet.Tests.Cli;

[TestClass]
[DoNotParallelize]
public sealed class SweepCommandTests
{
    private static readonly string[] Tiny =
        ["sweep", "--sigma-w2", "1,2", "--depth", "5", "--width", "32", "--train-samples", "200", "--entropy-samples", "20", "--device", "cpu", "--no-report"];

    [TestMethod]
    public async Task Sweep_JsonThenRerun_ResumesEverything()
    {
        using var dir = new TempDirectory();
        string outDir = dir.Sub("run");

        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. Tiny, "--out", outDir, "--format", "json"]);
        var (again, stdout2, stderr2) = await CliRunner.RunAsync([.. Tiny, "--out", outDir, "--format", "json"]);

        Assert.AreEqual(0, exit, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.AreEqual(2, root.GetProperty("ran").GetInt32());
        Assert.AreEqual(2, root.GetProperty("configurations").GetArrayLength());
        var first = root.GetProperty("configurations")[0];
        Assert.AreEqual(1.0, first.GetProperty("sigmaW2").GetDouble());
        Assert.AreEqual("ordered", first.GetProperty("verdict").GetString());
        double score = first.GetProperty("probeScore").GetDouble();
        Assert.IsTrue(score is > 0 and < 1);
        Assert.AreEqual(0, again, stderr2);
        using var json2 = JsonDocument.Parse(stdout2);
        Assert.AreEqual(0, json2.RootElement.GetProperty("ran").GetInt32());
        Assert.AreEqual(2, json2.RootElement.GetProperty("resumed").GetInt32());
        Assert.HasCount(2, SweepResults.Load(outDir).Records);
    }

    [TestMethod]
    public async Task SweepShardsThenMerge_EqualsUnsharded()
    {
        using var dir = new TempDirectory();
        Assert.AreEqual(0, (await CliRunner.RunAsync([.. Tiny, "--out", dir.Sub("all")])).Exit);
        Assert.AreEqual(0, (await CliRunner.RunAsync([.. Tiny, "--shard", "0/2", "--out", dir.Sub("s0")])).Exit);
        Assert.AreEqual(0, (await CliRunner.RunAsync([.. Tiny, "--shard", "1/2", "--out", dir.Sub("s1")])).Exit);

        var (exit, stdout, stderr) = await CliRunner.RunAsync("merge", dir.Sub("s0"), dir.Sub("s1"), "--out", dir.Sub("merged"));

        Assert.AreEqual(0, exit, stderr);
        StringAssert.Contains(stdout, "2 of 2 configuration(s)");
        foreach (string file in new[] { "settings.json", "results.csv", "curves.csv" })
        {
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(dir.Sub("all"), file)), File.ReadAllBytes(Path.Combine(dir.Sub("merged"), file)), file);
        }
        var (dupExit, _, dupErr) = await CliRunner.RunAsync("merge", dir.Sub("s0"), dir.Sub("all"), "--out", dir.Sub("dup"));
        Assert.AreEqual(1, dupExit);
        StringAssert.Contains(dupErr, "in both");
    }

    [TestMethod]
    [DataRow("--sigma-w2", "4:0.5:0.1", "greater than stop")]
    [DataRow("--sigma-w2", "0.5:4:0", "step")]
    [DataRow("--sigma-w2", "", "empty")]
    [DataRow("--sigma-w2", "0,1", "above 0")]
    [DataRow("--sigma-b2", "-0.1", "at least 0")]
    [DataRow("--depth", "1", "at least 2")]
    [DataRow("--shard", "2/2", "--shard")]
    public async Task Sweep_BadInput_OneLineErrorExitOne(string option, string value, string expected)
    {
        using var dir = new TempDirectory();
        var args = Tiny.ToList();
        int at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (exit, _, stderr) = await CliRunner.RunAsync([.. args, "--out", dir.Sub("bad")]);

        Assert.AreEqual(1, exit);
        StringAssert.StartsWith(stderr, "entropy sweep: error: ");
        StringAssert.Contains(stderr, expected);
        Assert.AreEqual(1, stderr.Trim().Split('\n').Length, stderr);
        Assert.IsFalse(File.Exists(Path.Combine(dir.Sub("bad"), "results.csv")));
    }

    [TestMethod]
    public async Task Sweep_Adaptive_RecordsTheModeAndTheWork_FaithfulResumeRefused()
    {
        using var dir = new TempDirectory();
        string outDir = dir.Sub("adaptive");

        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. Tiny, "--adaptive", "--out", outDir]);

        Assert.AreEqual(0, exit, stderr);
        StringAssert.Contains(File.ReadAllText(Path.Combine(outDir, SweepSettings.FileName)), "\"mode\": \"adaptive\"");
        string[] work = File.ReadAllLines(Path.Combine(outDir, SweepWork.FileName));
        Assert.AreEqual(SweepWork.Header, work[0]);
        Assert.HasCount(3, work);
        StringAssert.Contains(work[1], ",adaptive,");
        StringAssert.Contains(stdout, "Work (adaptive, the 2 computed now):");
        var (again, _, refused) = await CliRunner.RunAsync([.. Tiny, "--out", outDir]);
        Assert.AreEqual(1, again);
        StringAssert.Contains(refused, "mode (\"adaptive\" vs \"faithful\")");
        StringAssert.Contains(refused, "entropy sweep --adaptive");
    }

    [TestMethod]
    public async Task Sweep_LeastSquares_RecordsTheMode_ResumeSaysWhichFlag_CnnRefused()
    {
        using var dir = new TempDirectory();
        string outDir = dir.Sub("least-squares");

        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. Tiny, "--least-squares", "--out", outDir]);

        Assert.AreEqual(0, exit, stderr);
        StringAssert.Contains(File.ReadAllText(Path.Combine(outDir, SweepSettings.FileName)), "\"mode\": \"least-squares\"");
        StringAssert.Contains(File.ReadAllLines(Path.Combine(outDir, SweepWork.FileName))[1], ",least-squares,");
        var (again, _, refused) = await CliRunner.RunAsync([.. Tiny, "--adaptive", "--out", outDir]);
        Assert.AreEqual(1, again);
        StringAssert.Contains(refused, "entropy sweep --least-squares");
        var (cnn, _, cnnErr) = await CliRunner.RunAsync("sweep", "--architecture", "cnn", "--channels", "4", "--sigma-w2", "1", "--depth", "3", "--least-squares", "--no-report", "--out", dir.Sub("cnn"));
        Assert.AreEqual(1, cnn);
        StringAssert.Contains(cnnErr, "--least-squares: mlp only");
    }

    [TestMethod]
    public async Task Sweep_AdaptiveWithFaithfulOrForACnn_RefusedBeforeAnyWork()
    {
        using var dir = new TempDirectory();
        var (both, _, bothErr) = await CliRunner.RunAsync([.. Tiny, "--adaptive", "--faithful", "--out", dir.Sub("both")]);
        var (cnn, _, cnnErr) = await CliRunner.RunAsync("sweep", "--architecture", "cnn", "--channels", "4", "--sigma-w2", "1", "--depth", "3", "--adaptive", "--no-report", "--out", dir.Sub("cnn"));

        Assert.AreEqual(1, both);
        StringAssert.Contains(bothErr, "--faithful, --adaptive and --least-squares exclude each other");
        Assert.AreEqual(1, cnn);
        StringAssert.Contains(cnnErr, "--adaptive: measured for mlp only");
        Assert.IsFalse(Directory.Exists(dir.Sub("both")) || Directory.Exists(dir.Sub("cnn")));
    }

    [TestMethod]
    public async Task Sweep_DirectoryOfOtherSettings_RefusedNamingTheDifference()
    {
        using var dir = new TempDirectory();
        string outDir = dir.Sub("run");
        Assert.AreEqual(0, (await CliRunner.RunAsync([.. Tiny, "--out", outDir])).Exit);
        var args = Tiny.ToList();
        args[args.IndexOf("--depth") + 1] = "6";

        var (exit, _, stderr) = await CliRunner.RunAsync([.. args, "--out", outDir]);

        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "maxDepth (5 vs 6)");
        Assert.HasCount(2, SweepResults.Load(outDir).Records);
    }

    [TestMethod]
    public async Task Sweep_CorruptResults_RefusedWithLineNumber()
    {
        using var dir = new TempDirectory();
        string outDir = dir.Sub("run");
        Assert.AreEqual(0, (await CliRunner.RunAsync([.. Tiny, "--out", outDir])).Exit);
        File.AppendAllText(Path.Combine(outDir, "results.csv"), "garbage\n");

        var (exit, _, stderr) = await CliRunner.RunAsync([.. Tiny, "--out", outDir]);

        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "results.csv: line 4");
    }

    [TestMethod]
    public async Task Sweep_GroundTruthOptionWithoutFlag_Refused()
    {
        using var dir = new TempDirectory();
        var (exit, _, stderr) = await CliRunner.RunAsync([.. Tiny, "--gt-epochs", "3", "--out", dir.Sub("x")]);
        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "--gt-epochs needs --ground-truth");
    }

    [TestMethod]
    public async Task Train_Json_HasTrainableAndPerEpochAccuracy()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("train", "--sigma-w2", "1.5", "--depth", "3", "--width", "32", "--epochs", "1",
            "--train-samples", "1000", "--threshold", "0.2", "--learning-rate", "0.05", "--device", "cpu", "--format", "json");

        Assert.AreEqual(0, exit, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.IsTrue(root.GetProperty("trainable").GetBoolean());
        Assert.AreEqual(1, root.GetProperty("testAccuracy").GetArrayLength());
        Assert.AreEqual(1, root.GetProperty("trainAccuracy").GetArrayLength());
        Assert.IsGreaterThan(0.0, root.GetProperty("seconds").GetDouble());
        Assert.AreEqual("logits", root.GetProperty("head").GetString());
    }

    [TestMethod]
    public async Task Train_BadDepth_OneLineError()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("train", "--sigma-w2", "1.5", "--depth", "1");
        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "--depth must be at least 2");
    }
}
