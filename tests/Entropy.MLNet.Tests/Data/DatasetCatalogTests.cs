#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Data;

namespace Entropy.MLNet.Tests.Data;

[TestClass]
public sealed class DatasetCatalogTests
{
    [TestMethod]
    public void LoadEmbeddedMnist_Train_Has5000ImagesWith500PerDigit()
    {
        var data = DatasetCatalog.LoadEmbeddedMnist("train");

        Assert.AreEqual(5_000, data.Count);
        Assert.AreEqual(DatasetCatalog.EmbeddedSource, data.Source);
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, data.Shape);
        CollectionAssert.AreEqual(Enumerable.Repeat(500, 10).ToArray(), data.LabelCounts());
        CollectionAssert.AreEqual(DatasetCatalog.DigitClasses.ToArray(), data.ClassNames.ToArray());
    }

    [TestMethod]
    public void LoadEmbeddedMnist_Test_Has1000ImagesWith100PerDigit()
    {
        var data = DatasetCatalog.LoadEmbeddedMnist("test");

        Assert.AreEqual(1_000, data.Count);
        Assert.AreEqual("test", data.Split);
        CollectionAssert.AreEqual(Enumerable.Repeat(100, 10).ToArray(), data.LabelCounts());
    }

    [TestMethod]
    public void LoadEmbeddedMnist_Pixels_AreInUnitRangeAndLookLikeDigits()
    {
        var data = DatasetCatalog.LoadEmbeddedMnist("test");
        float min = float.MaxValue, max = float.MinValue;
        double sum = 0;
        foreach (float p in data.Pixels)
        {
            (min, max, sum) = (Math.Min(min, p), Math.Max(max, p), sum + p);
        }
        Assert.AreEqual(0f, min);
        Assert.AreEqual(1f, max);
        // MNIST's mean pixel is about 0.13 (mostly background).
        Assert.AreEqual(0.13, sum / data.Pixels.Length, 0.02);
    }

    [TestMethod]
    public void Load_MnistWithNothingConfigured_FallsBackToEmbedded()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DatasetCatalog.DataDirVariable))
            || Directory.Exists(Path.Combine(DatasetCatalog.CacheDirectory, "mnist")))
        {
            Assert.Inconclusive($"{DatasetCatalog.DataDirVariable} or the cache provides MNIST on this machine.");
        }

        var data = DatasetCatalog.Load("mnist", "test");

        Assert.AreEqual(DatasetCatalog.EmbeddedSource, data.Source);
        Assert.AreEqual(1_000, data.Count);
    }

    [TestMethod]
    public void Load_IdxDirectory_NestedAndFlatLayoutsBothWork()
    {
        using var files = new DataFiles();
        files.WriteIdxSplit("nested/fashion-mnist", 12);
        files.WriteIdxSplit("flat", 12, gzip: false);

        var nested = DatasetCatalog.Load("Fashion-MNIST", "train", files.PathOf("nested"));
        var flat = DatasetCatalog.Load("fashion-mnist", "train", files.PathOf("flat"));

        Assert.AreEqual(files.PathOf("nested", "fashion-mnist"), nested.Source);
        Assert.AreEqual(files.PathOf("flat"), flat.Source);
        Assert.AreEqual(12, nested.Count);
        CollectionAssert.AreEqual(new[] { 1, 4, 3 }, nested.Shape);
        CollectionAssert.AreEqual(nested.Pixels.ToArray(), flat.Pixels.ToArray());
        CollectionAssert.AreEqual(nested.Labels.ToArray(), flat.Labels.ToArray());
        Assert.AreEqual("T-shirt/top", nested.ClassNames[0]);
        Assert.AreEqual("Ankle boot", nested.ClassNames[9]);
        // Pixel bytes map to b / 255.
        Assert.AreEqual(DataFiles.Pixels(12 * 12)[5] / 255f, nested.Pixels[5]);
    }

    [TestMethod]
    public void Load_TestSplit_ReadsT10kFiles()
    {
        using var files = new DataFiles();
        files.WriteIdxSplit("mnist", 7, prefix: "t10k");

        var data = DatasetCatalog.Load("mnist", "test", files.Root);

        Assert.AreEqual(7, data.Count);
        Assert.AreEqual("test", data.Split);
    }

    [TestMethod]
    public void Load_ImagesAndLabelsCountsDiffer_ThrowsNamingBothFiles()
    {
        using var files = new DataFiles();
        string images = files.Write("mnist/train-images-idx3-ubyte.gz", DataFiles.Gzip(DataFiles.IdxImages(3, 2, 2, DataFiles.Pixels(12))));
        string labels = files.Write("mnist/train-labels-idx1-ubyte.gz", DataFiles.Gzip(DataFiles.IdxLabels([1, 2])));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("mnist", "train", files.Root));

        StringAssert.Contains(ex.Message, images);
        StringAssert.Contains(ex.Message, labels);
        StringAssert.Contains(ex.Message, "3 images");
        StringAssert.Contains(ex.Message, "2 labels");
    }

    [TestMethod]
    public void Load_LabelOutOfRange_ThrowsNamingFileAndLabel()
    {
        using var files = new DataFiles();
        files.Write("mnist/train-images-idx3-ubyte", DataFiles.IdxImages(3, 2, 2, DataFiles.Pixels(12)));
        string labels = files.Write("mnist/train-labels-idx1-ubyte", DataFiles.IdxLabels([1, 10, 2]));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("mnist", "train", files.Root));

        StringAssert.Contains(ex.Message, labels);
        StringAssert.Contains(ex.Message, "label 10 at index 1 is outside 0..9");
    }

    [TestMethod]
    public void Load_MissingDataDirectory_ThrowsDirectoryNotFoundNamingIt()
    {
        using var files = new DataFiles();
        string missing = files.PathOf("nowhere");

        var ex = Assert.ThrowsExactly<DirectoryNotFoundException>(() => DatasetCatalog.Load("mnist", "train", missing));

        StringAssert.Contains(ex.Message, missing);
        StringAssert.Contains(ex.Message, "does not exist");
    }

    [TestMethod]
    public void Load_DataDirectoryWithoutTheDataset_ThrowsInsteadOfFallingBack()
    {
        using var files = new DataFiles();

        var ex = Assert.ThrowsExactly<FileNotFoundException>(() => DatasetCatalog.Load("mnist", "train", files.Root));

        StringAssert.Contains(ex.Message, files.Root);
        StringAssert.Contains(ex.Message, "train-images-idx3-ubyte[.gz]");
    }

    [TestMethod]
    public void Load_LabelsFileMissing_ThrowsNamingIt()
    {
        using var files = new DataFiles();
        files.Write("mnist/train-images-idx3-ubyte", DataFiles.IdxImages(1, 2, 2, DataFiles.Pixels(4)));

        var ex = Assert.ThrowsExactly<FileNotFoundException>(() => DatasetCatalog.Load("mnist", "train", files.Root));

        StringAssert.Contains(ex.Message, "train-labels-idx1-ubyte");
    }

    [TestMethod]
    public void Load_UnknownDatasetOrSplit_ThrowsArgumentException()
    {
        var name = Assert.ThrowsExactly<ArgumentException>(() => DatasetCatalog.Load("imagenet"));
        var split = Assert.ThrowsExactly<ArgumentException>(() => DatasetCatalog.Load("mnist", "validation"));
        StringAssert.Contains(name.Message, "imagenet");
        StringAssert.Contains(split.Message, "validation");
    }

    [TestMethod]
    public void FindDatasetDirectory_Precedence_ExplicitThenEnvironmentThenCache()
    {
        using var files = new DataFiles();
        files.WriteIdxSplit("explicit/mnist", 1);
        files.WriteIdxSplit("env/mnist", 1);
        files.WriteIdxSplit("cache/mnist", 1);
        static bool Holds(string d) => File.Exists(Path.Combine(d, "train-images-idx3-ubyte.gz"));

        string? a = DatasetCatalog.FindDatasetDirectory("mnist", files.PathOf("explicit"), files.PathOf("env"), files.PathOf("cache"), Holds, "x");
        string? b = DatasetCatalog.FindDatasetDirectory("mnist", null, files.PathOf("env"), files.PathOf("cache"), Holds, "x");
        string? c = DatasetCatalog.FindDatasetDirectory("mnist", null, null, files.PathOf("cache"), Holds, "x");
        string? d = DatasetCatalog.FindDatasetDirectory("mnist", null, " ", files.PathOf("empty-cache"), Holds, "x");

        Assert.AreEqual(files.PathOf("explicit", "mnist"), a);
        Assert.AreEqual(files.PathOf("env", "mnist"), b);
        Assert.AreEqual(files.PathOf("cache", "mnist"), c);
        Assert.IsNull(d);
    }

    [TestMethod]
    public void FindDatasetDirectory_EnvironmentDirectoryMissing_ThrowsNamingVariable()
    {
        using var files = new DataFiles();

        var ex = Assert.ThrowsExactly<DirectoryNotFoundException>(() =>
            DatasetCatalog.FindDatasetDirectory("mnist", null, files.PathOf("gone"), files.Root, _ => true, "x"));

        StringAssert.Contains(ex.Message, DatasetCatalog.DataDirVariable);
        StringAssert.Contains(ex.Message, files.PathOf("gone"));
    }

    [TestMethod]
    public void Load_Noise_UsesRequestShapeCountAndSeed()
    {
        var data = DatasetCatalog.Load(new DatasetRequest("NOISE") { Split = "test", NoiseShape = new ImageShape(3, 4, 5), NoiseCount = 8, Seed = 3 });

        Assert.AreEqual("noise", data.Name);
        Assert.AreEqual(8, data.Count);
        CollectionAssert.AreEqual(new[] { 3, 4, 5 }, data.Shape);
        CollectionAssert.AreEqual(WhiteNoise.Generate(new ImageShape(3, 4, 5), 8, 10, 3, "test").Pixels.ToArray(), data.Pixels.ToArray());
    }

    [TestMethod]
    public void Load_FolderWithoutPath_ThrowsArgumentException()
    {
        Assert.ThrowsExactly<ArgumentException>(() => DatasetCatalog.Load("folder:"));
    }

    [TestMethod]
    public void ImageShapeAndSize_Parse_AcceptGoodAndRejectBadText()
    {
        Assert.AreEqual(new ImageShape(3, 32, 32), ImageShape.Parse("3x32x32"));
        Assert.AreEqual(new ImageSize(24, 24), ImageSize.Parse("24"));
        Assert.AreEqual(new ImageSize(20, 30), ImageSize.Parse("20x30"));
        Assert.ThrowsExactly<FormatException>(() => ImageShape.Parse("28x28"));
        Assert.ThrowsExactly<FormatException>(() => ImageShape.Parse("1x0x28"));
        Assert.ThrowsExactly<FormatException>(() => ImageSize.Parse("-3x4"));
    }
}
