#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Data;

namespace Entropy.MLNet.Tests.Data;

/// <summary>Loads the full datasets in ../shared/data and checks them against the counts in its README.</summary>
[TestClass]
public sealed class SharedDataTests
{
    [TestMethod]
    public void Load_SharedMnistTrain_MatchesReadmeHistogram()
    {
        var data = DatasetCatalog.Load("mnist", "train", SharedData.Require());

        Assert.AreEqual(60_000, data.Count);
        CollectionAssert.AreEqual(new[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, data.LabelCounts());
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, data.Shape);
    }

    [TestMethod]
    public void Load_SharedMnistTest_MatchesReadmeHistogram()
    {
        var data = DatasetCatalog.Load("mnist", "test", SharedData.Require());

        Assert.AreEqual(10_000, data.Count);
        CollectionAssert.AreEqual(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, data.LabelCounts());
    }

    [TestMethod]
    public void Load_SharedMnist_EmbeddedSubsetIsItsFirstImagesPerDigit()
    {
        var full = DatasetCatalog.Load("mnist", "test", SharedData.Require());
        var embedded = DatasetCatalog.LoadEmbeddedMnist("test");
        // The subset keeps the first 100 test images of every digit in official order.
        var taken = new int[10];
        var indices = new List<int>();
        for (int i = 0; i < full.Count; i++)
        {
            if (taken[full.Labels[i]]++ < 100)
            {
                indices.Add(i);
            }
        }

        var expected = full.Select(indices.ToArray());

        CollectionAssert.AreEqual(expected.Labels.ToArray(), embedded.Labels.ToArray());
        Assert.IsTrue(expected.Pixels.SequenceEqual(embedded.Pixels));
    }

    [TestMethod]
    public void Load_SharedFashionMnist_SixThousandAndOneThousandPerClass()
    {
        string dir = SharedData.Require();
        var train = DatasetCatalog.Load("fashion-mnist", "train", dir);
        var test = DatasetCatalog.Load("fashion-mnist", "test", dir);

        CollectionAssert.AreEqual(Enumerable.Repeat(6000, 10).ToArray(), train.LabelCounts());
        CollectionAssert.AreEqual(Enumerable.Repeat(1000, 10).ToArray(), test.LabelCounts());
        Assert.AreEqual("Ankle boot", train.ClassNames[9]);
    }

    [TestMethod]
    public void ReadBatch_SharedCifarBatches_MatchReadmeHistograms()
    {
        string dir = Path.Combine(SharedData.Require(), "cifar10");

        var (_, batch1) = Cifar10Reader.ReadBatch(Path.Combine(dir, "data_batch_1.bin.gz"), 10);
        var (_, batch2) = Cifar10Reader.ReadBatch(Path.Combine(dir, "data_batch_2.bin.gz"), 10);

        CollectionAssert.AreEqual(new[] { 1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981 }, Histogram(batch1));
        CollectionAssert.AreEqual(new[] { 984, 1007, 1010, 995, 1010, 988, 1008, 1026, 987, 985 }, Histogram(batch2));
    }

    [TestMethod]
    public void Load_SharedCifar_TrainIsBothBatchesInOrderAndTestIsBalanced()
    {
        string dir = SharedData.Require();
        var train = DatasetCatalog.Load("cifar10-gray", "train", dir);
        var test = DatasetCatalog.Load("cifar10", "test", dir);

        Assert.AreEqual(20_000, train.Count);
        CollectionAssert.AreEqual(new[] { 1, 32, 32 }, train.Shape);
        CollectionAssert.AreEqual(new[] { 1989, 1981, 2042, 2011, 2009, 1925, 2038, 2027, 2012, 1966 }, train.LabelCounts());
        CollectionAssert.AreEqual(new[] { 3, 32, 32 }, test.Shape);
        CollectionAssert.AreEqual(Enumerable.Repeat(1000, 10).ToArray(), test.LabelCounts());
        CollectionAssert.AreEqual(Cifar10Reader.StandardClasses.ToArray(), test.ClassNames.ToArray());
    }

    private static int[] Histogram(int[] labels)
    {
        var counts = new int[10];
        foreach (int y in labels)
        {
            counts[y]++;
        }
        return counts;
    }
}
