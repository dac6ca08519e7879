#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Data;

namespace Entropy.MLNet.Tests.Data;

[TestClass]
public sealed class Cifar10ReaderTests
{
    private const int Plane = 1024;

    [TestMethod]
    public void Load_ThreeRecords_RoundTripsLabelsAndChannelPlanes()
    {
        using var files = new DataFiles();
        files.Write("cifar10/data_batch_1.bin", DataFiles.CifarRecords(7, 0, 9));

        var data = DatasetCatalog.Load("cifar10", "train", files.Root);

        Assert.AreEqual(3, data.Count);
        CollectionAssert.AreEqual(new[] { 3, 32, 32 }, data.Shape);
        CollectionAssert.AreEqual(new[] { 7, 0, 9 }, data.Labels.ToArray());
        CollectionAssert.AreEqual(Cifar10Reader.StandardClasses.ToArray(), data.ClassNames.ToArray());
        for (int i = 0; i < 3; i++)
        {
            var image = data.Image(i);
            foreach (int c in new[] { 0, 1, 2 })
            {
                foreach (int p in new[] { 0, 1, 31, 32, 500, 1023 })
                {
                    Assert.AreEqual(DataFiles.CifarPixel(i, c, p) / 255f, image[c * Plane + p], $"record {i}, channel {c}, pixel {p}");
                }
            }
        }
    }

    [TestMethod]
    public void Load_Gray_AppliesRec601Weights()
    {
        using var files = new DataFiles();
        files.Write("cifar10/data_batch_1.bin.gz", DataFiles.Gzip(DataFiles.CifarRecords(1, 2, 3)));

        var gray = DatasetCatalog.Load("cifar10-gray", "train", files.Root);

        Assert.AreEqual("cifar10-gray", gray.Name);
        CollectionAssert.AreEqual(new[] { 1, 32, 32 }, gray.Shape);
        for (int i = 0; i < 3; i++)
        {
            foreach (int p in new[] { 0, 7, 100, 1023 })
            {
                double expected = (0.299 * DataFiles.CifarPixel(i, 0, p) + 0.587 * DataFiles.CifarPixel(i, 1, p) + 0.114 * DataFiles.CifarPixel(i, 2, p)) / 255;
                Assert.AreEqual(expected, gray.Image(i)[p], 1e-6, $"record {i}, pixel {p}");
            }
        }
    }

    [TestMethod]
    public void Luminance_Rec601_IsTheItuWeights()
    {
        CollectionAssert.AreEqual(new[] { 0.299f, 0.587f, 0.114f }, Luminance.Rec601.ToArray());
    }

    [TestMethod]
    public void Load_Gray_WhiteStaysExactlyOne()
    {
        using var files = new DataFiles();
        var records = DataFiles.CifarRecords(0);
        Array.Fill(records, (byte)255, 1, records.Length - 1);
        files.Write("data_batch_1.bin", records);

        var gray = DatasetCatalog.Load("cifar10-gray", "train", files.Root);

        Assert.AreEqual(1f, gray.Image(0)[0]);
    }

    [TestMethod]
    public void Load_SeveralBatches_ConcatenatesPresentBatchesInOrderAndReadsMeta()
    {
        using var files = new DataFiles();
        files.Write("cifar10/data_batch_2.bin.gz", DataFiles.Gzip(DataFiles.CifarRecords(2, 2)));
        files.Write("cifar10/data_batch_1.bin", DataFiles.CifarRecords(1));
        files.Write("cifar10/data_batch_4.bin", DataFiles.CifarRecords(4, 4, 4));
        files.Write("cifar10/test_batch.bin", DataFiles.CifarRecords(0));
        files.Write("cifar10/batches.meta.txt", "a\nb\nc\nd\ne\n\n"u8.ToArray());

        var train = DatasetCatalog.Load("cifar10", "train", files.Root);
        var test = DatasetCatalog.Load("cifar10", "test", files.Root);

        CollectionAssert.AreEqual(new[] { 1, 2, 2, 4, 4, 4 }, train.Labels.ToArray());
        CollectionAssert.AreEqual(new[] { "a", "b", "c", "d", "e" }, train.ClassNames.ToArray());
        Assert.AreEqual(1, test.Count);
    }

    [TestMethod]
    public void ReadBatch_TruncatedRecord_ThrowsNamingFile()
    {
        using var files = new DataFiles();
        var records = DataFiles.CifarRecords(1, 2);
        string path = files.Write("data_batch_1.bin", records[..(records.Length - 100)]);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("cifar10", "train", files.Root));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "3073-byte");
    }

    [TestMethod]
    public void ReadBatch_TruncatedGzip_ThrowsNamingFile()
    {
        using var files = new DataFiles();
        var gz = DataFiles.Gzip(DataFiles.CifarRecords(1, 2, 3, 4));
        string path = files.Write("data_batch_1.bin.gz", gz[..(gz.Length * 3 / 4)]);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("cifar10", "train", files.Root));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "truncated");
    }

    [TestMethod]
    public void ReadBatch_CorruptGzip_ThrowsNamingFile()
    {
        using var files = new DataFiles();
        var gz = DataFiles.Gzip(DataFiles.CifarRecords(1, 2, 3, 4));
        for (int i = 30; i < 80; i++)
        {
            gz[i] = 0xFF;
        }
        string path = files.Write("test_batch.bin.gz", gz);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("cifar10", "test", files.Root));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "gzip");
    }

    [TestMethod]
    public void ReadBatch_LabelOutOfRange_ThrowsNamingFileAndRecord()
    {
        using var files = new DataFiles();
        string path = files.Write("data_batch_1.bin", DataFiles.CifarRecords(3, 10));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("cifar10", "train", files.Root));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "label 10 of record 1 is outside 0..9");
    }

    [TestMethod]
    public void ReadBatch_EmptyFile_Throws()
    {
        using var files = new DataFiles();
        string path = files.Write("test_batch.bin", []);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("cifar10", "test", files.Root));

        StringAssert.Contains(ex.Message, path);
    }

    [TestMethod]
    public void Load_NoBatches_ThrowsNamingDirectory()
    {
        using var files = new DataFiles();
        files.Write("cifar10/readme.txt", [1]);

        var ex = Assert.ThrowsExactly<FileNotFoundException>(() => DatasetCatalog.Load("cifar10", "test", files.Root));

        StringAssert.Contains(ex.Message, files.Root);
        StringAssert.Contains(ex.Message, "test_batch.bin[.gz]");
    }
}
