using System.Text.Json;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.Tests.Probe;

/// <summary>
/// The MLP probe against its golden files (Golden/*.json, written by eng/make-golden-probes.sh with the entropy CLI on the
/// embedded MNIST subset): the same settings must give the same curves, decoder errors and differential entropy, bit for
/// bit. The files are read only; a change that is meant to alter the numbers regenerates them in a commit of its own.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class GoldenProbeTests
{
    private static readonly string GoldenDirectory = Path.Combine(AppContext.BaseDirectory, "Probe", "Golden");

    public static IEnumerable<object[]> GoldenFiles() =>
        Directory.EnumerateFiles(GoldenDirectory, "*.json").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    public void GoldenFiles_CoverOneAndTwoThreadsAndTwoActivations()
    {
        var golden = GoldenFiles().Select(f => Read((string)f[0])).ToList();
        Assert.IsGreaterThanOrEqualTo(5, golden.Count);
        var threads = golden.Select(g => g.GetProperty("threads").GetInt32()).ToHashSet();
        var activations = golden.Select(g => g.GetProperty("activation").GetString()).ToHashSet();
        Assert.IsTrue(threads.Contains(1) && threads.Contains(2), "golden files with 1 and 2 threads");
        Assert.IsTrue(activations.Contains("tanh") && activations.Contains("relu"), "golden files with tanh and relu");
        Assert.IsTrue(golden.All(g => g.GetProperty("source").GetString() == DatasetCatalog.EmbeddedSource));
    }

    [TestMethod]
    [DynamicData(nameof(GoldenFiles))]
    public void Probe_SameSettings_ReproducesTheGoldenFileBitForBit(string file)
    {
        JsonElement golden = Read(file);
        var options = new ProbeOptions
        {
            SigmaW2 = golden.GetProperty("sigmaW2").GetDouble(),
            SigmaB2 = golden.GetProperty("sigmaB2").GetDouble(),
            Depth = golden.GetProperty("depth").GetInt32(),
            Width = NetworkWidth.Parse(golden.GetProperty("width").GetString()!),
            Activation = Activation.Parse(golden.GetProperty("activation").GetString()!),
            TrainSamples = golden.GetProperty("trainSamples").GetInt32(),
            Epochs = golden.GetProperty("epochs").GetInt32(),
            BatchSize = golden.GetProperty("batchSize").GetInt32(),
            EntropySamples = golden.GetProperty("entropySamples").GetInt32(),
            ReconstructionImages = 0,
            Seed = golden.GetProperty("seed").GetInt32(),
            Threads = golden.GetProperty("threads").GetInt32(),
            Device = DeviceKind.Cpu,
        };

        ProbeResult result = ReconstructionProbe.Run(
            DatasetCatalog.LoadEmbeddedMnist("train"), DatasetCatalog.LoadEmbeddedMnist("test"), options);

        AssertBits(Floats(golden, "relativeEntropy"), result.MedianRelativeEntropy.Select(v => (double)v).ToArray(), file, "relativeEntropy");
        AssertBits(Floats(golden, "meanRelativeEntropy"), result.MeanRelativeEntropy.Select(v => (double)v).ToArray(), file, "meanRelativeEntropy");
        AssertBits(Floats(golden, "normalizedMedian"), result.NormalizedMedian.Select(v => (double)v).ToArray(), file, "normalizedMedian");
        AssertBits(Floats(golden, "decoderTestMse"), result.DecoderTestMse.Select(v => (double)v).ToArray(), file, "decoderTestMse");
        AssertBits(Doubles(golden, "differentialEntropy"), result.DifferentialEntropy, file, "differentialEntropy");
        Assert.AreEqual(golden.GetProperty("cutoff").GetInt32(), result.Cutoff, $"{file}: cutoff");
    }

    private static JsonElement Read(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldenDirectory, file))).RootElement.Clone();

    // Floats were written as their shortest round-trip text: parsing as float restores the exact bits.
    private static double[] Floats(JsonElement golden, string name) =>
        golden.GetProperty(name).EnumerateArray().Select(e => (double)e.GetSingle()).ToArray();

    private static double[] Doubles(JsonElement golden, string name) =>
        golden.GetProperty(name).EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
            ? double.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            : e.GetDouble()).ToArray();

    private static void AssertBits(double[] expected, double[] actual, string file, string name)
    {
        Assert.HasCount(expected.Length, actual, $"{file}: {name} length");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(BitConverter.DoubleToInt64Bits(expected[i]), BitConverter.DoubleToInt64Bits(actual[i]),
                $"{file}: {name}[{i}] is {actual[i]:R}, the golden file has {expected[i]:R}");
        }
    }
}
