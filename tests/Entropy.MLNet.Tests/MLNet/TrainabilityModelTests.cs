using System.IO.Compression;
using System.Text;
using Entropy.MLNet.MLNet;
using Microsoft.ML;

namespace Entropy.MLNet.Tests.MLNet;

[TestClass]
public sealed class TrainabilityModelTests
{
    private static string s_dir = "";
    private static string s_model = "";
    private static Entropy.MLNet.Data.ImageDataset s_images = null!;

    [ClassInitialize]
    public static void SaveOneProbe(TestContext context)
    {
        s_dir = MLNetFixtures.TempDirectory("model");
        s_model = Path.Combine(s_dir, "probe.zip");
        s_images = MLNetFixtures.Images(120);
        var ml = new MLContext(seed: 11);
        var data = s_images.ToDataView();
        // A chain with an ML.NET transform around the probe, as users build them.
        var pipeline = ml.Transforms.CopyColumns("Pixels", "Features")
            .Append(ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions(1, 4)));
        using var model = pipeline.Fit(data);
        TrainabilityModel.Save(ml, model, data.Schema, s_model);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        try
        {
            Directory.Delete(s_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [TestMethod]
    public void Save_WritesManifestDescriptorAndWeightsNextToTheMLNetModel()
    {
        using var zip = ZipFile.OpenRead(s_model);
        var names = zip.Entries.Select(e => e.FullName).ToList();

        CollectionAssert.Contains(names, TrainabilityModel.ManifestEntry);
        CollectionAssert.Contains(names, "Entropy.MLNet/000/descriptor.json");
        CollectionAssert.Contains(names, "Entropy.MLNet/000/weights.bin");
        Assert.IsTrue(names.Any(n => n.StartsWith("TransformerChain", StringComparison.Ordinal)), string.Join(", ", names));
        using var reader = new StreamReader(zip.GetEntry(TrainabilityModel.ManifestEntry)!.Open());
        string manifest = reader.ReadToEnd();
        Assert.Contains("\"version\": 1", manifest);
        Assert.Contains("Entropy.MLNet.ReconstructionProbe.v1", manifest);
    }

    [TestMethod]
    public void Load_FreshContext_ReproducesEveryOutputExactly()
    {
        var ml = new MLContext(seed: 11);
        var data = s_images.ToDataView();
        using var original = ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions(1, 4)).Fit(data);
        string path = Path.Combine(s_dir, "fresh.zip");
        TrainabilityModel.Save(ml, original, data.Schema, path);

        var fresh = new MLContext(seed: 99);
        ITransformer loaded = TrainabilityModel.Load(fresh, path, out var schema);

        Assert.AreEqual(data.Schema["Features"].Type, schema["Features"].Type);
        var before = MLNetFixtures.Columns(original.Transform(data));
        var after = MLNetFixtures.Columns(loaded.Transform(data));
        CollectionAssert.AreEquivalent(before.Keys.ToList(), after.Keys.ToList());
        foreach (var key in before.Keys)
        {
            Assert.AreEqual(before[key].GetRawText(), after[key].GetRawText(), key);
        }
    }

    [TestMethod]
    public void Load_InChildProcess_ReproducesEveryOutputExactly()
    {
        var ml = new MLContext(seed: 12);
        var loaded = TrainabilityModel.Load(ml, s_model, out _);
        var input = MLNetFixtures.ImageInput(s_images, 12);
        var inProcess = MLNetFixtures.Columns(loaded.Transform(MLNetFixtures.View(ml, input)));

        var child = MLNetFixtures.RunHost("images", s_model, input, s_dir);

        Assert.IsTrue(child.ContainsKey("RelativeEntropy"));
        Assert.IsTrue(child.ContainsKey("Reconstruction"));
        CollectionAssert.AreEquivalent(inProcess.Keys.ToList(), child.Keys.ToList());
        foreach (var key in inProcess.Keys)
        {
            Assert.AreEqual(inProcess[key].GetRawText(), child[key].GetRawText(), key);
        }
    }

    [TestMethod]
    public void Load_PlainModelLoad_FailsWithAClearMessage()
    {
        var ml = new MLContext();

        var ex = Assert.Throws<Exception>(() => ml.Model.Load(s_model, out _));

        Assert.Contains("TrainabilityModel.Load", Flatten(ex));
    }

    [TestMethod]
    public void Load_TruncatedZip_ThrowsInvalidData()
    {
        string path = Copy("truncated.zip");
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains("truncated.zip", ex.Message);
        Assert.Contains("truncated or corrupt", ex.Message);
    }

    [TestMethod]
    public void Load_MissingWeightsEntry_ThrowsNamingTheEntry()
    {
        string path = Copy("missing.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("Entropy.MLNet/000/weights.bin")!.Delete();
        }

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains("'Entropy.MLNet/000/weights.bin' is missing", ex.Message);
    }

    [TestMethod]
    public void Load_OversizedManifest_ThrowsBeforeReadingIt()
    {
        string path = Copy("oversized.zip");
        Replace(path, TrainabilityModel.ManifestEntry, new byte[TrainabilityModel.MaxDescriptorBytes + 1]);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains("over the limit", ex.Message);
        Assert.Contains(TrainabilityModel.ManifestEntry, ex.Message);
    }

    [TestMethod]
    public void Load_OversizedWeights_ThrowsBeforeReadingThem()
    {
        string path = Copy("bigweights.zip");
        // Far more than a 36-16-…-10 probe can need, though compressed it is tiny.
        Replace(path, "Entropy.MLNet/000/weights.bin", new byte[64 << 20]);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains("weights.bin", ex.Message);
        Assert.Contains("over the limit", ex.Message);
    }

    [TestMethod]
    public void Load_UnknownFormatVersion_Throws()
    {
        string path = Copy("version.zip");
        string manifest;
        using (var zip = ZipFile.OpenRead(path))
        using (var reader = new StreamReader(zip.GetEntry(TrainabilityModel.ManifestEntry)!.Open()))
        {
            manifest = reader.ReadToEnd();
        }
        Replace(path, TrainabilityModel.ManifestEntry, Encoding.UTF8.GetBytes(manifest.Replace("\"version\": 1", "\"version\": 99", StringComparison.Ordinal)));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains("version 99 is not supported", ex.Message);
    }

    [TestMethod]
    public void Load_CorruptWeights_ThrowsInvalidData()
    {
        string path = Copy("corrupt.zip");
        Replace(path, "Entropy.MLNet/000/weights.bin", Encoding.UTF8.GetBytes("not a model"));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains("weights.bin", ex.Message);
    }

    [TestMethod]
    [DataRow("../escape.txt")]
    [DataRow("Entropy.MLNet/../../escape.txt")]
    [DataRow("/tmp/escape.txt")]
    [DataRow("C:/escape.txt")]
    public void Load_EntryPathLeavingTheArchive_ThrowsAndWritesNothing(string entry)
    {
        string dir = MLNetFixtures.TempDirectory("escape");
        string path = Path.Combine(dir, "model", "escape.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(s_model, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        using (var stream = zip.CreateEntry(entry).Open())
        {
            stream.Write("x"u8);
        }
        var before = Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToList();

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains("leaves the archive", ex.Message);
        CollectionAssert.AreEqual(before, Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToList());
        Assert.IsFalse(File.Exists("/tmp/escape.txt"));
        Assert.IsFalse(File.Exists(Path.Combine(dir, "escape.txt")));
        Directory.Delete(dir, recursive: true);
    }

    [TestMethod]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.ThrowsExactly<FileNotFoundException>(() => TrainabilityModel.Load(new MLContext(), Path.Combine(s_dir, "none.zip"), out _));
    }

    private static string Copy(string name)
    {
        string path = Path.Combine(s_dir, name);
        File.Copy(s_model, path, overwrite: true);
        return path;
    }

    private static void Replace(string path, string entry, byte[] content)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(entry)?.Delete();
        using var stream = zip.CreateEntry(entry, CompressionLevel.SmallestSize).Open();
        stream.Write(content);
    }

    private static string Flatten(Exception ex)
    {
        var sb = new StringBuilder();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            sb.Append(e.Message).Append(" | ");
        }
        return sb.ToString();
    }
}
