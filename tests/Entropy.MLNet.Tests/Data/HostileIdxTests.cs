using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Training;

namespace Entropy.MLNet.Tests.Data;

/// <summary>
/// MNIST files whose header announces far more than they hold, or more than is wanted (issue 10 §2): the header is
/// checked against a documented limit and against the file's own length before anything is read, and a probe's subset
/// is read without holding the rest of the split.
/// </summary>
[TestClass]
public sealed class HostileIdxTests
{
    [TestMethod]
    public void Load_GzipHeaderAnnouncingMillionsOfImages_RefusedBeforeReading()
    {
        using var files = new DataFiles();
        // 2.5 million 28×28 images announced; 1,000 present.
        string images = files.Write("mnist/train-images-idx3-ubyte.gz", DataFiles.Gzip(DataFiles.IdxImages(2_500_000, 28, 28, new byte[1000 * 784])));
        files.Write("mnist/train-labels-idx1-ubyte.gz", DataFiles.Gzip(DataFiles.IdxLabels(new byte[1000], 2_500_000)));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("mnist", "train", files.Root));

        StringAssert.StartsWith(ex.Message, images);
        StringAssert.Contains(ex.Message, "announces 2500000 images of 28x28");
        StringAssert.Contains(ex.Message, "but the gzip trailer declares 784016 bytes");
    }

    [TestMethod]
    public void Load_HeaderOverTheCountLimit_Refused()
    {
        using var files = new DataFiles();
        string images = files.Write("mnist/train-images-idx3-ubyte.gz", DataFiles.Gzip(DataFiles.IdxImages(IdxReader.MaxCount + 1, 1, 1, new byte[10])));
        files.Write("mnist/train-labels-idx1-ubyte.gz", DataFiles.Gzip(DataFiles.IdxLabels(new byte[10])));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("mnist", "train", files.Root));

        StringAssert.StartsWith(ex.Message, images);
        StringAssert.Contains(ex.Message, $"over the limit of {IdxReader.MaxCount}");
    }

    [TestMethod]
    public void Load_TruncatedGzip_RefusedNamingTheFile()
    {
        using var files = new DataFiles();
        var (images, _) = files.WriteIdxSplit("mnist", 500, 28, 28);
        byte[] bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("mnist", "train", files.Root));

        StringAssert.StartsWith(ex.Message, images);
    }

    [TestMethod]
    public void Load_WithTheProbesSubset_HoldsOnlyThoseImagesWithTheirLabels()
    {
        using var files = new DataFiles();
        files.WriteIdxSplit("mnist", 3000, 28, 28);
        var options = new ProbeOptions { SigmaW2 = 1.5, Depth = 4, TrainSamples = 100, Seed = 9 };
        int[]? chosen = null;

        var whole = DatasetCatalog.Load("mnist", "train", files.Root);
        var subset = DatasetCatalog.Load(new DatasetRequest("mnist")
        {
            DataDir = files.Root,
            Subset = count => chosen = ReconstructionProbe.TrainingIndices(count, options),
        });

        Assert.AreEqual(3000, whole.Count);
        Assert.AreEqual(100, subset.Count);
        Assert.IsNotNull(chosen);
        for (int i = 0; i < chosen.Length; i++)
        {
            CollectionAssert.AreEqual(whole.Image(chosen[i]).ToArray(), subset.Image(i).ToArray(), $"image {i}");
            Assert.AreEqual(whole.Labels[chosen[i]], subset.Labels[i]);
        }
        // The probe on the subset picks every image of it, in the same order as from the whole split.
        CollectionAssert.AreEqual(Enumerable.Range(0, 100).ToArray(), ReconstructionProbe.TrainingIndices(subset.Count, options));
    }

    [TestMethod]
    public void Load_ConsistentFileOverTheMemoryBudget_RefusedBeforeReadingUnlessASubsetFits()
    {
        using var files = new DataFiles();
        var (images, _) = files.WriteIdxSplit("mnist", 3000, 28, 28);
        var options = new ProbeOptions { SigmaW2 = 1.5, Depth = 4, TrainSamples = 100, Seed = 9 };

        // 3,000 images of 784 pixels at 5 bytes each is 11.2 MiB: over a 1 MiB budget; 100 of them (383 KiB) fit.
        var ex = Assert.ThrowsExactly<InvalidDataException>(() =>
            DatasetCatalog.Load(new DatasetRequest("mnist") { DataDir = files.Root, MaxMemoryBytes = 1 << 20 }));
        var subset = DatasetCatalog.Load(new DatasetRequest("mnist")
        {
            DataDir = files.Root,
            MaxMemoryBytes = 1 << 20,
            Subset = count => ReconstructionProbe.TrainingIndices(count, options),
        });

        StringAssert.StartsWith(ex.Message, images);
        StringAssert.Contains(ex.Message, "more than the memory budget of 1.0 MiB");
        Assert.AreEqual(100, subset.Count);
    }

    [TestMethod]
    public void ProbeAndGroundTruth_OnTheirSubsetOnly_GiveTheSameResultsAsOnTheWholeSplit()
    {
        using var files = new DataFiles();
        files.WriteIdxSplit("mnist", 1500, 28, 28);
        files.WriteIdxSplit("mnist", 200, 28, 28, prefix: "t10k");
        var probe = new ProbeOptions
        {
            SigmaW2 = 1.5, Depth = 4, Width = NetworkWidth.Fixed(16), TrainSamples = 300, Seed = 4, EntropySamples = 20,
            Threads = 1, Device = DeviceKind.Cpu,
        };
        var truth = new GroundTruthOptions
        {
            SigmaW2 = 1.5, Depth = 4, Width = NetworkWidth.Fixed(16), TrainSamples = 300, Seed = 4, Epochs = 1, Threads = 1,
            Device = DeviceKind.Cpu,
        };
        var whole = DatasetCatalog.Load("mnist", "train", files.Root);
        var test = DatasetCatalog.Load("mnist", "test", files.Root);
        var probeSubset = DatasetCatalog.Load(new DatasetRequest("mnist")
        {
            DataDir = files.Root,
            Subset = count => ReconstructionProbe.TrainingIndices(count, probe),
        });
        var truthSubset = DatasetCatalog.Load(new DatasetRequest("mnist")
        {
            DataDir = files.Root,
            Subset = count => GroundTruthTrainer.SubsetIndices(count, truth.TrainSamples, truth.Seed),
        });

        var a = ReconstructionProbe.Run(whole, test, probe);
        var b = ReconstructionProbe.Run(probeSubset, test, probe);
        var c = GroundTruthTrainer.Train(whole, test, truth);
        var d = GroundTruthTrainer.Train(truthSubset, test, truth);

        CollectionAssert.AreEqual(a.MeanRelativeEntropy, b.MeanRelativeEntropy);
        CollectionAssert.AreEqual(a.DecoderTestMse, b.DecoderTestMse);
        Assert.AreEqual(a.TrainSamples, b.TrainSamples);
        CollectionAssert.AreEqual(c.TestAccuracy, d.TestAccuracy);
        CollectionAssert.AreEqual(c.TrainLoss, d.TrainLoss);
    }
}
