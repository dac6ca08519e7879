using System.Text.Json;

namespace Entropy.MLNet.Tests.Cli;

[TestClass]
public sealed class ProbeCommandTests
{
    private static readonly string[] Small =
        ["probe", "--dataset", "mnist", "--sigma-w2", "1.5", "--depth", "8", "--width", "32", "--train-samples", "256",
         "--entropy-samples", "20", "--threads", "1", "--device", "cpu", "--seed", "3"];

    [TestMethod]
    public async Task Probe_Json_HasTheDocumentedFields()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. Small, "--format", "json"]);
        Assert.AreEqual(0, code, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.AreEqual(1.5, root.GetProperty("sigmaW2").GetDouble());
        Assert.AreEqual(0.05, root.GetProperty("sigmaB2").GetDouble());
        Assert.AreEqual(8, root.GetProperty("depth").GetInt32());
        Assert.AreEqual(6, root.GetProperty("relativeEntropy").GetArrayLength());
        Assert.AreEqual(6, root.GetProperty("differentialEntropy").GetArrayLength());
        int cutoff = root.GetProperty("cutoff").GetInt32();
        Assert.IsTrue(cutoff is >= 0 and <= 6);
        Assert.IsGreaterThan(0.0, root.GetProperty("seconds").GetDouble());
        Assert.AreEqual(256, root.GetProperty("trainSamples").GetInt32());
        Assert.AreEqual(1, root.GetProperty("threads").GetInt32());
        Assert.IsFalse(string.IsNullOrEmpty(root.GetProperty("source").GetString()));
        Assert.AreEqual(string.Empty, stderr, "json mode prints no progress");
    }

    [TestMethod]
    public async Task Probe_Snapshots_WritesWhatTheProbeAnsweredAfterNImages()
    {
        using var dir = new Entropy.MLNet.Tests.Sweep.TempDirectory();
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. Small, "--snapshots", "64,128", "--images", "0", "--out", dir.Path, "--format", "json"]);
        Assert.AreEqual(0, code, stderr);
        string[] snapshots = File.ReadAllLines(Path.Combine(dir.Path, "snapshots.csv"));
        Assert.AreEqual("images,layer,cutoff,median_relative_entropy,normalized_median,differential_entropy,decoder_test_mse", snapshots[0]);
        // Two snapshots of the 6-point curve: after the first chunk at or past 64 and 128 images (one 256-image chunk here: both at 256).
        Assert.HasCount(1 + (2 * 6), snapshots);
        using var doc = JsonDocument.Parse(stdout);
        int cutoff = doc.RootElement.GetProperty("cutoff").GetInt32();
        Assert.IsTrue(snapshots.Skip(1).All(l => l.StartsWith("256,", StringComparison.Ordinal) && l.Split(',')[2] == cutoff.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            "a snapshot after every image is the probe's own answer");
        Assert.IsTrue(File.ReadAllLines(Path.Combine(dir.Path, "losses.csv")).Length > 1);
        Assert.AreEqual("faithful", doc.RootElement.GetProperty("mode").GetString());

        var (bad, _, badErr) = await CliRunner.RunAsync([.. Small, "--snapshots", "64"]);
        Assert.AreEqual(1, bad);
        StringAssert.Contains(badErr, "--snapshots: needs --out");
    }

    [TestMethod]
    public async Task Probe_Adaptive_JsonSaysTheModeAndTheImagesUsed()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. Small, "--adaptive", "--format", "json"]);
        Assert.AreEqual(0, code, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.AreEqual("adaptive", doc.RootElement.GetProperty("mode").GetString());
        Assert.AreEqual(256, doc.RootElement.GetProperty("trainImagesUsed").GetInt32(), "fewer images than one window: all of them");
    }

    [TestMethod]
    public async Task Probe_LeastSquares_JsonSaysTheMode_WithAdaptiveRefused()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. Small, "--least-squares", "--format", "json"]);
        Assert.AreEqual(0, code, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.AreEqual("least-squares", doc.RootElement.GetProperty("mode").GetString());
        var (both, _, bothErr) = await CliRunner.RunAsync([.. Small, "--least-squares", "--adaptive"]);
        Assert.AreEqual(1, both);
        StringAssert.Contains(bothErr, "--adaptive and --least-squares exclude each other");
        var (text, textOut, textErr) = await CliRunner.RunAsync([.. Small, "--least-squares"]);
        Assert.AreEqual(0, text, textErr);
        StringAssert.Contains(textOut, "(decoders in closed form)");
        Assert.DoesNotContain("epoch(s)", textOut);
        using var dir = new Entropy.MLNet.Tests.Sweep.TempDirectory();
        var (snap, _, snapErr) = await CliRunner.RunAsync([.. Small, "--least-squares", "--snapshots", "64", "--out", dir.Sub("s")]);
        Assert.AreEqual(1, snap);
        StringAssert.Contains(snapErr, "drop --least-squares");
    }

    private static string[] Overflowing(string sigmaW2) =>
        ["probe", "--dataset", "mnist", "--sigma-w2", sigmaW2, "--activation", "relu", "--depth", "6", "--width", "32",
         "--train-samples", "128", "--entropy-samples", "10", "--threads", "1", "--device", "cpu", "--seed", "3", "--images", "0"];

    [TestMethod]
    public async Task Probe_ReluThatOverflows_SaysWhereItDivergesNotADepth()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. Overflowing("1e30"), "--format", "json"]);
        Assert.AreEqual(0, code, stderr);
        using var doc = JsonDocument.Parse(stdout);
        int layer = doc.RootElement.GetProperty("divergenceLayer").GetInt32();
        Assert.IsTrue(layer is >= 1 and <= 3, $"diverges at layer {layer}");
        Assert.IsLessThan(layer, doc.RootElement.GetProperty("cutoff").GetInt32());

        // σ_w² = 1e308: the weights themselves overflow float32, nothing is measured (this printed "cutoff: 4").
        (code, stdout, stderr) = await CliRunner.RunAsync(Overflowing("1e308"));
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stdout, "the network diverges at layer 1");
        StringAssert.Contains(stdout, "cutoff: none");
        Assert.DoesNotContain("predicted maximum trainable depth", stdout);
    }

    [TestMethod]
    public async Task Probe_TextWithOut_WritesTableAndFiles()
    {
        string dir = Path.Combine(Path.GetTempPath(), "entropy-probe-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync([.. Small, "--out", dir, "--images", "2"]);
            Assert.AreEqual(0, code, stderr);
            StringAssert.Contains(stdout, "predicted maximum trainable depth ≈");
            StringAssert.Contains(stdout, "cutoff:");
            foreach (string file in new[] { "reconstructions.png", "ideal-inputs.png", "curves.csv", "result.json" })
            {
                Assert.IsTrue(File.Exists(Path.Combine(dir, file)), file);
            }
            string[] csv = File.ReadAllLines(Path.Combine(dir, "curves.csv"));
            Assert.HasCount(1 + 8, csv);
            StringAssert.StartsWith(csv[0], "layer,median_relative_entropy,mean_relative_entropy,normalized_median,differential_entropy,decoder_test_mse");
            StringAssert.StartsWith(csv[8], "8,,,,,", "excluded layers have empty curve cells");
            StringAssert.StartsWith(csv[1], "1,");
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [TestMethod]
    public async Task Probe_BadSigma_OneLineErrorNamingTheFlag()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("probe", "--sigma-w2", "0", "--depth", "5");
        Assert.AreEqual(1, code);
        Assert.AreEqual(string.Empty, stdout);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, stderr);
        StringAssert.StartsWith(lines[0], "entropy probe: error: --sigma-w2:");
    }

    [TestMethod]
    public async Task Probe_TooManyTrainSamples_OneLineError()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("probe", "--sigma-w2", "1", "--depth", "5", "--train-samples", "999999999");
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "--train-samples");
    }

    [TestMethod]
    public async Task Probe_UnwritableOut_FailsBeforeTraining()
    {
        string file = Path.GetTempFileName();
        try
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync([.. Small, "--out", Path.Combine(file, "sub")]);
            Assert.AreEqual(1, code);
            Assert.AreEqual(string.Empty, stdout);
            StringAssert.Contains(stderr, "--out");
            Assert.HasCount(1, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
