using System.Text.Json;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Tests.Sweep;

namespace Entropy.MLNet.Tests.Cli;

[TestClass]
[DoNotParallelize]
public sealed class GroundTruthCommandTests
{
    private static readonly string[] Tiny =
        ["groundtruth", "--sigma-w2", "0.5,3", "--width", "8", "--steps", "20", "--evaluate-every", "10", "--train-samples", "300", "--test-samples", "100",
         "--max-depth", "6", "--threshold", "0.2", "--seed", "3", "--threads", "1", "--device", "cpu"];

    [TestMethod]
    public async Task GroundTruth_JsonThenRerun_ResumesWithoutTraining()
    {
        using var dir = new TempDirectory();
        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. Tiny, "--out", dir.Path, "--format", "json"]);
        var (again, _, stderr2) = await CliRunner.RunAsync([.. Tiny, "--out", dir.Path]);

        Assert.AreEqual(0, exit, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.AreEqual(2, json.RootElement.GetProperty("boundaries").GetArrayLength());
        Assert.AreEqual(0, again, stderr2);
        StringAssert.Contains(stderr2, "resuming: 2 of 2");
        Assert.AreEqual(GroundTruthSet.Load(dir.Path).Trials.Count, json.RootElement.GetProperty("trainings").GetInt32());
    }

    [TestMethod]
    public async Task GroundTruth_MoreTrainingImagesThanTheDataset_OneLineNamingTheOption()
    {
        using var dir = new TempDirectory();
        var (exit, _, stderr) = await CliRunner.RunAsync("groundtruth", "--sigma-w2", "1", "--out", dir.Path);

        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "--train-samples 10000 exceeds the 5000 training images");
        Assert.AreEqual(1, stderr.Trim().Split('\n').Length);
    }
}
