#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using System.Text.Json;
using Entropy.MLNet.Data;
using Entropy.MLNet.Tests.Data;

namespace Entropy.MLNet.Tests.Cli;

[TestClass]
public sealed class DataCommandTests
{
    [TestMethod]
    public async Task Data_JsonOnGeneratedIdx_HasEveryField()
    {
        using var files = new DataFiles();
        files.WriteIdxSplit("fashion-mnist", 20, prefix: "t10k");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("data", "--dataset", "fashion-mnist", "--data-dir", files.Root, "--split", "test", "--format", "json");

        Assert.AreEqual(0, exit, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.AreEqual("fashion-mnist", root.GetProperty("dataset").GetString());
        Assert.AreEqual(files.PathOf("fashion-mnist"), root.GetProperty("source").GetString());
        Assert.IsFalse(root.GetProperty("embedded").GetBoolean());
        Assert.AreEqual("test", root.GetProperty("split").GetString());
        Assert.AreEqual(20, root.GetProperty("count").GetInt32());
        CollectionAssert.AreEqual(new[] { 1, 4, 3 }, root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        CollectionAssert.AreEqual(new[] { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 }, root.GetProperty("labelCounts").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.AreEqual("Trouser", root.GetProperty("classes")[1].GetString());
    }

    [TestMethod]
    public async Task Data_EmbeddedDefault_SaysSoPlainly()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DatasetCatalog.DataDirVariable))
            || Directory.Exists(Path.Combine(DatasetCatalog.CacheDirectory, "mnist")))
        {
            Assert.Inconclusive("This machine configures an MNIST data directory.");
        }

        var (exit, stdout, _) = await CliRunner.RunAsync("data", "--split", "test");
        var (jsonExit, json, _) = await CliRunner.RunAsync("data", "--format", "json");

        Assert.AreEqual(0, exit);
        StringAssert.Contains(stdout, "embedded");
        StringAssert.Contains(stdout, "1,000");
        Assert.AreEqual(0, jsonExit);
        using var doc = JsonDocument.Parse(json);
        Assert.AreEqual("embedded", doc.RootElement.GetProperty("source").GetString());
        Assert.IsTrue(doc.RootElement.GetProperty("embedded").GetBoolean());
        Assert.AreEqual(5000, doc.RootElement.GetProperty("count").GetInt32());
    }

    [TestMethod]
    public async Task Data_TextOutput_ListsCountShapeAndHistogram()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("data", "--dataset", "noise", "--noise-shape", "3x8x8", "--count", "30", "--seed", "4");

        Assert.AreEqual(0, exit);
        StringAssert.Contains(stdout, "noise (train)");
        StringAssert.Contains(stdout, "count    30");
        StringAssert.Contains(stdout, "shape    3x8x8");
        var counts = WhiteNoise.Generate(new ImageShape(3, 8, 8), 30, 10, 4).LabelCounts();
        StringAssert.Contains(stdout, $"      9  9      {counts[9],5}");
    }

    [TestMethod]
    public async Task Data_CorruptFile_OneLineErrorAndExitOne()
    {
        using var files = new DataFiles();
        var gz = DataFiles.Gzip(DataFiles.IdxImages(20, 28, 28, DataFiles.Pixels(20 * 784)));
        gz[30] ^= 0xFF;
        gz[31] ^= 0xFF;
        string path = files.Write("mnist/train-images-idx3-ubyte.gz", gz);
        files.Write("mnist/train-labels-idx1-ubyte.gz", DataFiles.Gzip(DataFiles.IdxLabels(new byte[20])));

        var (exit, stdout, stderr) = await CliRunner.RunAsync("data", "--data-dir", files.Root);

        Assert.AreEqual(1, exit);
        Assert.AreEqual(string.Empty, stdout);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, stderr);
        StringAssert.StartsWith(lines[0], "entropy data: error: ");
        StringAssert.Contains(lines[0], path);
        StringAssert.Contains(lines[0], "gzip");
    }

    [TestMethod]
    public async Task Data_MissingDataDir_OneLineErrorAndExitOne()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("data", "--dataset", "cifar10", "--data-dir", "/nonexistent/entropy-data");

        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "/nonexistent/entropy-data");
        Assert.IsFalse(stderr.Contains("   at ", StringComparison.Ordinal), stderr);
    }

    [TestMethod]
    public async Task Data_DownloadWithoutUrl_ExplainsWhatIsNeeded()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DatasetDownloader.DownloadUrlVariable)))
        {
            Assert.Inconclusive($"{DatasetDownloader.DownloadUrlVariable} is set on this machine.");
        }
        using var files = new DataFiles();

        var (exit, _, stderr) = await CliRunner.RunAsync("data", "--download", "--data-dir", files.Root);

        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "--download-url");
        StringAssert.Contains(stderr, DatasetDownloader.DownloadUrlVariable);
    }

    [TestMethod]
    public async Task Data_DownloadOfWrongFiles_FailsOnTheHashAndKeepsNothing()
    {
        using var files = new DataFiles();
        // Files with the official names but other content: the official SHA-256 must reject them.
        var fake = DataFiles.Gzip(DataFiles.IdxImages(1, 2, 2, DataFiles.Pixels(4)));
        using var server = new DatasetDownloaderTests.LocalServer(new() { ["train-images-idx3-ubyte.gz"] = fake });

        var (exit, _, stderr) = await CliRunner.RunAsync("data", "--dataset", "mnist", "--data-dir", files.Root, "--download", "--download-url", server.BaseUrl.AbsoluteUri);

        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "SHA-256 mismatch");
        StringAssert.Contains(stderr, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609");
        StringAssert.Contains(stderr, DatasetDownloaderTests.Sha256(fake));
        Assert.IsEmpty(Directory.GetFiles(files.PathOf("mnist")));
    }

    [TestMethod]
    public async Task Data_DownloadOfTheOfficialFiles_VerifiesAndLoadsThem()
    {
        // Serves the official MNIST files from ../shared/data on 127.0.0.1, so the published SHA-256 must match.
        string shared = SharedData.Require();
        var served = DatasetDownloader.OfficialFiles("mnist")
            .ToDictionary(f => f.FileName, f => File.ReadAllBytes(Path.Combine(shared, "mnist", f.FileName)));
        using var server = new DatasetDownloaderTests.LocalServer(served);
        using var files = new DataFiles();

        var (exit, stdout, stderr) = await CliRunner.RunAsync("data", "--dataset", "mnist", "--split", "test", "--data-dir", files.Root,
            "--download", "--download-url", server.BaseUrl.AbsoluteUri, "--format", "json");

        Assert.AreEqual(0, exit, stderr);
        Assert.AreEqual(4, stderr.Split('\n').Count(l => l.Contains("downloaded, SHA-256 verified", StringComparison.Ordinal)), stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.AreEqual(files.PathOf("mnist"), doc.RootElement.GetProperty("source").GetString());
        Assert.AreEqual(10_000, doc.RootElement.GetProperty("count").GetInt32());
    }

    [TestMethod]
    public async Task Data_DownloadOfUnsupportedDataset_Fails()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("data", "--dataset", "cifar10", "--download", "--download-url", "http://127.0.0.1:9/");

        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "mnist and fashion-mnist");
    }

    [TestMethod]
    public async Task Data_Help_CarriesAnExample()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("data", "--help");

        Assert.AreEqual(0, exit);
        StringAssert.Contains(stdout, "entropy data --dataset mnist");
        StringAssert.Contains(stdout, "--download-url");
    }

    [TestMethod]
    public async Task Data_OptionOfAnotherDataset_IsRejected()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("data", "--dataset", "mnist", "--count", "5");
        var (folderExit, _, folderErr) = await CliRunner.RunAsync("data", "--dataset", "noise", "--grayscale");

        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "--count does not apply to dataset 'mnist'");
        Assert.AreEqual(1, folderExit);
        StringAssert.Contains(folderErr, "--grayscale");
    }

    [TestMethod]
    public async Task Data_BadNoiseShape_OneLineError()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("data", "--dataset", "noise", "--noise-shape", "28x28");

        Assert.AreEqual(1, exit);
        StringAssert.Contains(stderr, "28x28");
    }
}
