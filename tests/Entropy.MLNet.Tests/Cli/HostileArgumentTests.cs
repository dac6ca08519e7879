using System.Text.Json;
using Entropy.MLNet.Tests.Sweep;

namespace Entropy.MLNet.Tests.Cli;

/// <summary>
/// Command-line arguments that used to run with a wrong meaning, run out of memory or fail late (issue 10 §2): each is
/// refused at once with one line on stderr and a non-zero exit code (2 for a value that does not parse, else 1), or, for a mini-batch larger than the data, simply works.
/// </summary>
[TestClass]
public sealed class HostileArgumentTests
{
    [TestMethod]
    [DataRow("probe", "--sigma-w2", "1,5", "--depth", "3")]
    [DataRow("train", "--sigma-w2", "1,5", "--depth", "3")]
    [DataRow("theory", "--sigma-w2", "1,5")]
    [DataRow("probe", "--sigma-w2", "1.5", "--depth", "3", "--learning-rate", "1,000")]
    [DataRow("sweep", "--sigma-w2", "1.5", "--depth", "3", "--cutoff-tolerance", "0,005", "--out", "unused")]
    public async Task Number_WithAComma_IsAnErrorNotAThousandsSeparator(params string[] args)
    {
        var (code, _, stderr) = await CliRunner.RunAsync(args);

        // A value the parser rejects is a usage error (ExitCodes.Usage).
        Assert.AreEqual(2, code, stderr);
        StringAssert.Contains(stderr, "is not a number");
        Assert.IsFalse(Directory.Exists("unused"));
    }

    [TestMethod]
    public async Task Number_WithADecimalPointOrExponent_IsAccepted()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("theory", "--sigma-w2", "1.5", "--sigma-b2", "5e-2", "--format", "json");

        Assert.AreEqual(0, code, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Contains("1.5", json.RootElement.ToString());
    }

    [TestMethod]
    [DataRow("probe", "--depth", "100000", "--width", "100000")]
    [DataRow("probe", "--depth", "100000", "--width", "2000")]
    [DataRow("probe", "--depth", "6", "--width", "30000")]
    [DataRow("train", "--depth", "100000", "--width", "100000")]
    [DataRow("train", "--depth", "6", "--width", "30000")]
    public async Task HugeNetwork_RefusedBeforeBuildingWithOneLine(string command, string depthFlag, string depth, string widthFlag, string width)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(command, "--sigma-w2", "1.5", depthFlag, depth, widthFlag, width,
            "--max-memory", "1G", "--device", "cpu");

        Assert.AreEqual(1, code, stderr);
        Assert.AreEqual(string.Empty, stdout);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, stderr);
        StringAssert.StartsWith(lines[0], $"entropy {command}: error: ");
        StringAssert.Contains(lines[0], "but the memory budget is 1.0 GiB");
    }

    [TestMethod]
    public async Task SmallNetwork_UnderASmallBudget_IsRefusedAndUnderALargerOneRuns()
    {
        string[] args = ["probe", "--sigma-w2", "1.5", "--depth", "4", "--width", "16", "--train-samples", "128", "--entropy-samples", "10",
            "--device", "cpu", "--threads", "1", "--format", "json"];

        var (refused, _, refusedErr) = await CliRunner.RunAsync([.. args, "--max-memory", "64K"]);
        var (ran, _, ranErr) = await CliRunner.RunAsync([.. args, "--max-memory", "1G"]);

        Assert.AreEqual(1, refused);
        StringAssert.Contains(refusedErr, "but the memory budget is 64.0 KiB");
        Assert.AreEqual(0, ran, ranErr);
    }

    [TestMethod]
    public async Task MaxMemory_Malformed_OneLineError()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("probe", "--sigma-w2", "1.5", "--depth", "4", "--max-memory", "lots");

        Assert.AreEqual(1, code);
        StringAssert.StartsWith(stderr, "entropy probe: error: --max-memory: 'lots' is not a memory size");
    }

    [TestMethod]
    [DataRow("probe")]
    [DataRow("train")]
    public async Task BatchSizeOfTwoBillion_RunsAsOneBatchOfTheWholeSet(string command)
    {
        string[] extra = command == "probe" ? ["--entropy-samples", "10"] : ["--epochs", "1"];
        var (code, stdout, stderr) = await CliRunner.RunAsync([command, "--sigma-w2", "1.5", "--depth", "4", "--width", "16",
            "--train-samples", "128", "--batch-size", "2000000000", "--device", "cpu", "--threads", "1", "--format", "json", .. extra]);

        Assert.AreEqual(0, code, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.AreEqual(128, json.RootElement.GetProperty("trainSamples").GetInt32());
    }

    [TestMethod]
    public async Task Sweep_NegativeScoreDepth_RefusedBeforeAnythingRuns()
    {
        using var dir = new TempDirectory();
        string outDir = dir.Sub("run");

        var (code, _, stderr) = await CliRunner.RunAsync("sweep", "--sigma-w2", "1.0", "--depth", "4", "--width", "16", "--train-samples", "64",
            "--entropy-samples", "10", "--score-depth", "-5", "--out", outDir, "--device", "cpu", "--no-report");

        Assert.AreEqual(1, code);
        Assert.AreEqual($"entropy sweep: error: --score-depth must be at least 1; got -5.{Environment.NewLine}", stderr);
        Assert.IsFalse(Directory.Exists(outDir), "nothing may run or be written before every option is checked");
    }

    [TestMethod]
    public async Task Threads_MoreThanTheProcessors_WarnsOnStderrWithoutCapping()
    {
        string many = (Environment.ProcessorCount + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string enough = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // --depth 1 stops the probe at validation, after the warning: the test runs nothing on the extra threads.
        var (code, _, stderr) = await CliRunner.RunAsync("probe", "--sigma-w2", "1.5", "--depth", "1", "--threads", many);
        var (_, _, quiet) = await CliRunner.RunAsync("probe", "--sigma-w2", "1.5", "--depth", "1", "--threads", enough);

        Assert.AreEqual(1, code);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(2, lines, stderr);
        StringAssert.StartsWith(lines[0], $"entropy probe: warning: --threads {many} exceeds the {enough} processor(s)");
        StringAssert.StartsWith(lines[1], "entropy probe: error: --depth");
        Assert.DoesNotContain("warning", quiet);
    }
}
