using Entropy.MLNet.Architectures.Mlp;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Entropy.MLNet.MLNet;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using Microsoft.ML;

namespace Entropy.MLNet.Tests.MLNet;

/// <summary>
/// Model files crafted to make the loader allocate far more than they hold (issue 10 §1): each is refused with an
/// <see cref="InvalidDataException"/> naming the file and the reason, and, loaded in a child process, without the peak
/// resident memory growing by more than <see cref="MemoryAllowance"/> beyond the model's own declared size.
/// </summary>
[TestClass]
public sealed class HostileModelFileTests
{
    /// <summary>What a refused load may add to the child's resident memory beyond the declared model.</summary>
    private const long MemoryAllowance = 300L << 20;

    private const string Weights = "Entropy.MLNet/000/weights.bin";
    private const string Descriptor = "Entropy.MLNet/000/descriptor.json";

    private static string s_dir = "";
    private static string s_model = "";
    private static long s_declaredBytes;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void SaveOneProbe(TestContext context)
    {
        s_dir = MLNetFixtures.TempDirectory("hostile-model");
        s_model = Path.Combine(s_dir, "probe.zip");
        var ml = new MLContext(seed: 5);
        var data = MLNetFixtures.Images(80).ToDataView();
        using var model = ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions(1)).Fit(data);
        TrainabilityModel.Save(ml, model, data.Schema, s_model);
        s_declaredBytes = MlpArchitecture.ParameterBytes(model.Model.Network.LayerSizes)!.Value;
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
    [DataRow(16000)]
    [DataRow(100000)]
    public void Load_InnerLayerSizesLargerThanTheOuterDescriptor_RefusedBeforeBuilding(int width)
    {
        string path = WithInnerDescriptor($"inner-{width}.zip", d => d["layerSizes"] = new JsonArray(36, width, width, 10));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains(path, ex.Message);
        Assert.Contains($"[36, {width}, {width}, 10] differ from the architecture declared outside it", ex.Message);
    }

    [TestMethod]
    public void ProbeModelLoad_LayerSizesNeedingMoreBytesThanTheStreamHolds_RefusedBeforeBuilding()
    {
        // 32 MB of weights declared (under the model limit); the stream holds a few kilobytes.
        int[] sizes = [36, 2000, 2000, 10];
        byte[] bytes = CraftWeights(d => WithSizes(d, sizes));
        using var stream = new MemoryStream(bytes, writable: false);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ProbeModel.Load(stream, DeviceKind.Cpu));

        Assert.Contains($"need {MlpArchitecture.ParameterBytes(sizes)} bytes of weights but only", ex.Message);
        Assert.Contains("bytes follow the descriptor", ex.Message);
    }

    [TestMethod]
    public void ProbeModelLoad_LayerSizesOverTheModelLimit_Refused()
    {
        byte[] bytes = CraftWeights(d => WithSizes(d, [36, 100000, 100000, 10]));
        using var stream = new MemoryStream(bytes, writable: false);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ProbeModel.Load(stream, DeviceKind.Cpu));

        Assert.Contains($"over the limit of {ProbeModel.MaxModelBytes} bytes", ex.Message);
    }

    [TestMethod]
    [DataRow("activation", "evil", "Unknown activation")]
    [DataRow("width", "-5", "Width must be at least 1")]
    [DataRow("version", "2", "version 2")]
    [DataRow("excludedLastLayers", "-1", "excluded last layers -1")]
    public void Load_InvalidInnerDescriptorField_ThrowsInvalidDataNamingIt(string field, string value, string expected)
    {
        string path = WithInnerDescriptor($"inner-{field}.zip",
            d => d[field] = field is "version" or "excludedLastLayers" ? JsonValue.Create(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(value));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains(path, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [TestMethod]
    public void Load_ManifestListingOneComponentTwice_Refused()
    {
        string path = WithManifest("twice.zip", m =>
        {
            var components = m["components"]!.AsArray();
            components.Add(components[0]!.DeepClone());
        });

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains(path, ex.Message);
        Assert.Contains($"lists entry '{Descriptor}' more than once", ex.Message);
    }

    [TestMethod]
    public void Load_ComponentsNull_ThrowsInvalidData()
    {
        string path = WithManifest("null-list.zip", m => m["components"] = null);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains(path, ex.Message);
        Assert.Contains("no 'components' list", ex.Message);
    }

    [TestMethod]
    public void Load_NullComponent_ThrowsInvalidData()
    {
        string path = WithManifest("null-item.zip", m => m["components"] = new JsonArray((JsonNode?)null));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains("component 0 is null", ex.Message);
    }

    [TestMethod]
    public void Load_EmptyComponentList_ThrowsInvalidDataWithTheRootCause()
    {
        string path = WithManifest("empty-list.zip", m => m["components"] = new JsonArray());

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains(path, ex.Message);
        Assert.Contains("lists no components", ex.Message);
        Assert.Contains("but not its saved state", ex.Message);
        Assert.DoesNotContain("target of an invocation", ex.Message);
    }

    [TestMethod]
    public void Load_MissingManifest_ThrowsInvalidDataWithTheRootCause()
    {
        string path = Copy("no-manifest.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry(TrainabilityModel.ManifestEntry)!.Delete();
        }

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains($"'{TrainabilityModel.ManifestEntry}' is missing", ex.Message);
        Assert.Contains("but not its saved state", ex.Message);
        Assert.DoesNotContain("target of an invocation", ex.Message);
    }

    [TestMethod]
    public void Load_Fifo_RefusedWithoutReadingIt()
    {
        using var fifo = Fifo.Create(s_dir, "model-fifo.zip");

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), fifo.Path, out _));

        Assert.Contains(fifo.Path, ex.Message);
        Assert.Contains("not a regular file", ex.Message);
    }

    [TestMethod]
    public void Load_InChildProcess_EachCraftedFileRefusedWithBoundedMemory()
    {
        using var fifo = Fifo.Create(s_dir, "child-fifo.zip");
        string[] crafted =
        [
            WithInnerDescriptor("child-inner.zip", d => d["layerSizes"] = new JsonArray(36, 16000, 16000, 10)),
            WithManifest("child-2000.zip", m =>
            {
                var components = m["components"]!.AsArray();
                for (int i = 0; i < 1999; i++)
                {
                    components.Add(components[0]!.DeepClone());
                }
            }),
            WithManifest("child-empty.zip", m => m["components"] = new JsonArray()),
            fifo.Path,
        ];
        foreach (string path in crafted)
        {
            var (exitCode, report) = MLNetFixtures.RunHostLoad(path, s_dir);

            Assert.AreEqual(2, exitCode, $"{path}: {report.Outcome}: {report.Message}");
            Assert.AreEqual(typeof(InvalidDataException).FullName, report.Outcome, path);
            long grew = report.PeakBytes - report.BaselineBytes;
            TestContext.WriteLine($"{Path.GetFileName(path)}: baseline {report.BaselineBytes >> 20} MiB, peak {report.PeakBytes >> 20} MiB, grew {grew >> 20} MiB; {report.Message}");
            Assert.IsLessThan(MemoryAllowance + s_declaredBytes, grew, $"{path}: peak {report.PeakBytes >> 20} MiB from {report.BaselineBytes >> 20} MiB");
        }
    }

    [TestMethod]
    public void Load_InChildProcess_TheUntouchedModelLoads()
    {
        var (exitCode, report) = MLNetFixtures.RunHostLoad(s_model, s_dir);

        Assert.AreEqual(0, exitCode, report.Message);
        Assert.AreEqual("loaded", report.Outcome);
    }

    private static string Copy(string name)
    {
        string path = Path.Combine(s_dir, name);
        File.Copy(s_model, path, overwrite: true);
        return path;
    }

    private static string WithManifest(string name, Action<JsonNode> edit)
    {
        string path = Copy(name);
        JsonNode manifest = JsonNode.Parse(ReadEntry(path, TrainabilityModel.ManifestEntry))!;
        edit(manifest);
        Replace(path, TrainabilityModel.ManifestEntry, Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        return path;
    }

    private static string WithInnerDescriptor(string name, Action<JsonNode> edit)
    {
        string path = Copy(name);
        Replace(path, Weights, CraftWeights(edit));
        return path;
    }

    /// <summary>The saved probe's weights.bin with its own descriptor edited (the weights that follow stay as they were).</summary>
    private static byte[] CraftWeights(Action<JsonNode> edit)
    {
        byte[] original = ReadEntryBytes(s_model, Weights);
        using var input = new BinaryReader(new MemoryStream(original), Encoding.UTF8);
        string format = input.ReadString();
        int version = input.ReadInt32();
        JsonNode descriptor = JsonNode.Parse(input.ReadString())!;
        byte[] rest = input.ReadBytes(original.Length);
        edit(descriptor);
        using var output = new MemoryStream();
        using (var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(format);
            writer.Write(version);
            writer.Write(descriptor.ToJsonString());
            writer.Write(rest);
        }
        return output.ToArray();
    }

    private static void WithSizes(JsonNode descriptor, int[] sizes)
    {
        descriptor["layerSizes"] = new JsonArray([.. sizes.Select(n => (JsonNode)n)]);
        descriptor["tanhOutputs"] = new JsonArray([.. sizes.Skip(1).Select(_ => (JsonNode)true)]);
    }

    private static string ReadEntry(string path, string entry) => Encoding.UTF8.GetString(ReadEntryBytes(path, entry));

    private static byte[] ReadEntryBytes(string path, string entry)
    {
        using var zip = ZipFile.OpenRead(path);
        using var stream = zip.GetEntry(entry)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void Replace(string path, string entry, byte[] content)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(entry)?.Delete();
        using var stream = zip.CreateEntry(entry, CompressionLevel.SmallestSize).Open();
        stream.Write(content);
    }

    /// <summary>
    /// A named pipe holding zeros, kept open for writing (and reading, so that opening it never blocks): a loader that
    /// read it would see a stream with no end in sight instead of a file.
    /// </summary>
    private sealed class Fifo : IDisposable
    {
        private readonly FileStream _end;

        private Fifo(string path, FileStream end)
        {
            Path = path;
            _end = end;
        }

        public string Path { get; }

        public static Fifo Create(string dir, string name)
        {
            string path = System.IO.Path.Combine(dir, name);
            File.Delete(path);
            using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { path }, UseShellExecute = false })!)
            {
                mkfifo.WaitForExit();
                Assert.AreEqual(0, mkfifo.ExitCode, "mkfifo failed");
            }
            // Read-write: open(2) of a FIFO for reading and writing does not wait for the other end.
            var end = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1);
            end.Write(new byte[4096]);
            return new Fifo(path, end);
        }

        public void Dispose()
        {
            _end.Dispose();
            File.Delete(Path);
        }
    }
}
