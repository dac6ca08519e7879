#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Data;

namespace Entropy.MLNet.Tests.Data;

[TestClass]
public sealed class ImageFolderLoaderTests
{
    private static (byte R, byte G, byte B) Color(int x, int y, int salt) =>
        ((byte)(10 * x + salt), (byte)(20 * y + salt), (byte)(200 - salt));

    private static DataFiles ThreeClasses()
    {
        var files = new DataFiles();
        // Ordinal order: "Zebra" < "ant" < "bee".
        files.WritePng("imgs/bee/1.png", 4, 3, (x, y) => Color(x, y, 3));
        files.WritePng("imgs/ant/b.png", 4, 3, (x, y) => Color(x, y, 2));
        files.WritePng("imgs/ant/a.png", 4, 3, (x, y) => Color(x, y, 1));
        files.WritePng("imgs/Zebra/deep/z.png", 4, 3, (x, y) => Color(x, y, 0));
        files.Write("imgs/ant/notes.txt", "not an image"u8.ToArray());
        return files;
    }

    [TestMethod]
    public void Load_RgbFolder_ClassesFromSubfoldersAndExactPlanarPixels()
    {
        using var files = ThreeClasses();

        var data = DatasetCatalog.Load("folder:" + files.PathOf("imgs"));

        Assert.AreEqual("folder", data.Name);
        Assert.AreEqual(files.PathOf("imgs"), data.Source);
        CollectionAssert.AreEqual(new[] { "Zebra", "ant", "bee" }, data.ClassNames.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1, 1, 2 }, data.Labels.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 3, 4 }, data.Shape);
        // Image 1 is ant/a.png (salt 1): planar R, G, B; pixel (x, y) at y * 4 + x.
        var image = data.Image(1);
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                var (r, g, b) = Color(x, y, 1);
                Assert.AreEqual(r / 255f, image[y * 4 + x], 1e-6);
                Assert.AreEqual(g / 255f, image[12 + y * 4 + x], 1e-6);
                Assert.AreEqual(b / 255f, image[24 + y * 4 + x], 1e-6);
            }
        }
    }

    [TestMethod]
    public void Load_Grayscale_OneChannelWithRec601Luma()
    {
        using var files = ThreeClasses();

        var data = DatasetCatalog.Load(new DatasetRequest("FOLDER:" + files.PathOf("imgs")) { Grayscale = true });

        CollectionAssert.AreEqual(new[] { 1, 3, 4 }, data.Shape);
        var (r, g, b) = Color(2, 1, 3);
        Assert.AreEqual((0.299 * r + 0.587 * g + 0.114 * b) / 255, data.Image(3)[1 * 4 + 2], 1e-6);
    }

    [TestMethod]
    public void Load_GrayPngs_KeepTheirValues()
    {
        using var files = new DataFiles();
        files.WritePng("g/one/a.png", 2, 2, (x, y) => ((byte)(100 + x), (byte)(100 + x), (byte)(100 + x)));

        var data = ImageFolderLoader.Load(files.PathOf("g"), grayscale: true);

        Assert.AreEqual(101 / 255f, data.Image(0)[1], 1e-6);
    }

    [TestMethod]
    public void Load_WithImageSize_ResizesMixedSizes()
    {
        using var files = new DataFiles();
        files.WritePng("m/a/1.png", 8, 8, (x, y) => (50, 50, 50));
        files.WritePng("m/b/2.png", 16, 12, (x, y) => (50, 50, 50));

        var data = ImageFolderLoader.Load(files.PathOf("m"), size: new ImageSize(5, 6));

        CollectionAssert.AreEqual(new[] { 3, 5, 6 }, data.Shape);
        Assert.AreEqual(50 / 255f, data.Image(1)[7], 1e-6);
    }

    [TestMethod]
    public void Load_LooseImagesWithoutSubfolders_OneClassNamedAfterFolder()
    {
        using var files = new DataFiles();
        files.WritePng("cats/1.png", 2, 2, (x, y) => (1, 2, 3));
        files.WritePng("cats/2.png", 2, 2, (x, y) => (1, 2, 3));

        var data = ImageFolderLoader.Load(files.PathOf("cats"));

        CollectionAssert.AreEqual(new[] { "cats" }, data.ClassNames.ToArray());
        Assert.AreEqual(2, data.Count);
    }

    [TestMethod]
    public void Load_TrainTestSubfolders_PicksTheSplit()
    {
        using var files = new DataFiles();
        files.WritePng("s/train/a/1.png", 2, 2, (x, y) => (1, 2, 3));
        files.WritePng("s/train/a/2.png", 2, 2, (x, y) => (1, 2, 3));
        files.WritePng("s/test/a/1.png", 2, 2, (x, y) => (1, 2, 3));

        Assert.AreEqual(2, ImageFolderLoader.Load(files.PathOf("s"), "train").Count);
        Assert.AreEqual(1, ImageFolderLoader.Load(files.PathOf("s"), "test").Count);
    }

    [TestMethod]
    public void Load_CorruptImage_ThrowsNamingTheFile()
    {
        using var files = ThreeClasses();
        string bad = files.Write("imgs/ant/c.png", [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5]);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolderLoader.Load(files.PathOf("imgs")));

        StringAssert.Contains(ex.Message, bad);
        StringAssert.Contains(ex.Message, "corrupt image");
    }

    [TestMethod]
    public void Load_EmptyImageFileWithFixedSize_ThrowsNamingTheFile()
    {
        using var files = ThreeClasses();
        string bad = files.Write("imgs/bee/empty.jpg", []);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolderLoader.Load(files.PathOf("imgs"), size: new ImageSize(3, 3)));

        StringAssert.Contains(ex.Message, bad);
        StringAssert.Contains(ex.Message, "corrupt image; its 0 bytes do not decode");
    }

    [TestMethod]
    public void Load_UnreadableImage_ThrowsNamingTheFile()
    {
        using var files = ThreeClasses();
        // A dangling link cannot be read even by root (file modes would not stop root).
        string link = files.PathOf("imgs", "bee", "gone.png");
        File.CreateSymbolicLink(link, files.PathOf("nowhere", "target.png"));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolderLoader.Load(files.PathOf("imgs")));

        StringAssert.Contains(ex.Message, link);
        StringAssert.Contains(ex.Message, "unreadable image");
    }

    [TestMethod]
    public void Load_MixedSizesWithoutImageSize_ThrowsNamingBothFiles()
    {
        using var files = ThreeClasses();
        string odd = files.WritePng("imgs/bee/2.png", 5, 3, (x, y) => (0, 0, 0));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolderLoader.Load(files.PathOf("imgs")));

        StringAssert.Contains(ex.Message, odd);
        StringAssert.Contains(ex.Message, files.PathOf("imgs", "Zebra", "deep", "z.png"));
        StringAssert.Contains(ex.Message, "mixed image sizes");
    }

    [TestMethod]
    public void Load_FolderWithoutImages_ThrowsNamingTheFolder()
    {
        using var files = new DataFiles();
        files.Write("empty/a/readme.txt", [1, 2, 3]);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolderLoader.Load(files.PathOf("empty")));

        StringAssert.Contains(ex.Message, files.PathOf("empty"));
        StringAssert.Contains(ex.Message, "no images");
    }

    [TestMethod]
    public void Load_MissingFolder_ThrowsDirectoryNotFoundNamingIt()
    {
        using var files = new DataFiles();
        string missing = files.PathOf("missing");

        var ex = Assert.ThrowsExactly<DirectoryNotFoundException>(() => DatasetCatalog.Load("folder:" + missing));

        StringAssert.Contains(ex.Message, missing);
        StringAssert.Contains(ex.Message, "does not exist");
    }

    [TestMethod]
    public void Load_ImagesBothLooseAndInSubfolders_Throws()
    {
        using var files = ThreeClasses();
        string loose = files.WritePng("imgs/loose.png", 4, 3, (x, y) => (0, 0, 0));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolderLoader.Load(files.PathOf("imgs")));

        StringAssert.Contains(ex.Message, files.PathOf("imgs"));
        StringAssert.Contains(ex.Message, Path.GetFileName(loose));
    }
}
