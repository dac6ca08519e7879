using Entropy.MLNet.Data;

namespace Entropy.MLNet.Tests.Data;

[TestClass]
public sealed class IdxReaderTests
{
    [TestMethod]
    public void ReadImages_RawAndGzip_GiveTheSameData()
    {
        using var files = new DataFiles();
        var bytes = DataFiles.IdxImages(5, 4, 3, DataFiles.Pixels(60));
        string raw = files.Write("raw-images-idx3-ubyte", bytes);
        string gz = files.Write("gz-images-idx3-ubyte.gz", DataFiles.Gzip(bytes));

        var a = IdxReader.ReadImages(raw);
        var b = IdxReader.ReadImages(gz);

        Assert.AreEqual((5, 4, 3), (a.Count, a.Rows, a.Columns));
        Assert.AreEqual((5, 4, 3), (b.Count, b.Rows, b.Columns));
        CollectionAssert.AreEqual(DataFiles.Pixels(60), a.Pixels);
        CollectionAssert.AreEqual(a.Pixels, b.Pixels);
    }

    [TestMethod]
    public void ReadLabels_RawAndGzip_GiveTheSameData()
    {
        using var files = new DataFiles();
        byte[] labels = [3, 1, 4, 1, 5, 9, 2, 6];
        var bytes = DataFiles.IdxLabels(labels);
        CollectionAssert.AreEqual(labels, IdxReader.ReadLabels(files.Write("l", bytes)));
        CollectionAssert.AreEqual(labels, IdxReader.ReadLabels(files.Write("l.gz", DataFiles.Gzip(bytes))));
    }

    [TestMethod]
    public void ReadImages_NonSeekableGzipStream_ReadsLikeTheFile()
    {
        var bytes = DataFiles.IdxImages(2, 2, 2, DataFiles.Pixels(8));
        using var stream = new ForwardOnlyStream(DataFiles.Gzip(bytes));

        var images = IdxReader.ReadImages(stream, "memory.gz");

        Assert.AreEqual(2, images.Count);
        CollectionAssert.AreEqual(DataFiles.Pixels(8), images.Pixels);
    }

    [TestMethod]
    public void ReadLabels_NonSeekableRawStream_ReadsLikeTheFile()
    {
        using var stream = new ForwardOnlyStream(DataFiles.IdxLabels([7, 8, 9]));
        CollectionAssert.AreEqual(new byte[] { 7, 8, 9 }, IdxReader.ReadLabels(stream, "memory"));
    }

    [TestMethod]
    public void ReadImages_WrongMagicNumber_ThrowsNamingFileAndMagic()
    {
        using var files = new DataFiles();
        // A labels file given where an images file belongs.
        string path = files.Write("train-images-idx3-ubyte", DataFiles.IdxLabels([1, 2, 3]));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "wrong magic number 0x00000801");
    }

    [TestMethod]
    public void ReadLabels_WrongMagicNumberInGzip_ThrowsNamingFile()
    {
        using var files = new DataFiles();
        string path = files.Write("train-labels-idx1-ubyte.gz", DataFiles.Gzip(DataFiles.IdxLabels([1], magic: 0x12345678)));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadLabels(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "wrong magic number 0x12345678");
    }

    [TestMethod]
    public void ReadImages_FileEndsInsideHeader_ThrowsTruncated()
    {
        using var files = new DataFiles();
        string path = files.Write("short", DataFiles.IdxImages(1, 2, 2, DataFiles.Pixels(4))[..10]);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "truncated");
    }

    [TestMethod]
    public void ReadImages_TruncatedGzip_ThrowsTruncated()
    {
        using var files = new DataFiles();
        var gz = DataFiles.Gzip(DataFiles.IdxImages(50, 28, 28, DataFiles.Pixels(50 * 784)));
        string path = files.Write("cut.gz", gz[..(gz.Length / 2)]);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "truncated");
    }

    [TestMethod]
    public void ReadImages_HeaderCountLargerThanRawFile_ThrowsWithoutAllocating()
    {
        using var files = new DataFiles();
        // The header claims a million 28x28 images; the file holds three.
        string path = files.Write("lying", DataFiles.IdxImages(1_000_000, 28, 28, DataFiles.Pixels(3 * 784)));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "header announces 1000000 images of 28x28");
        StringAssert.Contains(ex.Message, $"file holds {16 + 3 * 784} bytes");
    }

    [TestMethod]
    public void ReadImages_HeaderCountLargerThanGzipData_ThrowsHeaderAnnounces()
    {
        using var files = new DataFiles();
        string path = files.Write("lying.gz", DataFiles.Gzip(DataFiles.IdxImages(10, 2, 2, DataFiles.Pixels(3 * 4))));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "header announces 10 images of 2x2");
    }

    [TestMethod]
    public void ReadLabels_MoreDataThanHeaderCount_Throws()
    {
        using var files = new DataFiles();
        string raw = files.Write("extra", DataFiles.IdxLabels([1, 2, 3, 4], count: 2));
        string gz = files.Write("extra.gz", DataFiles.Gzip(DataFiles.IdxLabels([1, 2, 3, 4], count: 2)));

        var rawEx = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadLabels(raw));
        var gzEx = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadLabels(gz));

        StringAssert.Contains(rawEx.Message, raw);
        StringAssert.Contains(rawEx.Message, "header announces 2 labels");
        StringAssert.Contains(gzEx.Message, gz);
        StringAssert.Contains(gzEx.Message, "holds more data");
    }

    [TestMethod]
    public void ReadImages_ImplausibleDimensions_Throws()
    {
        using var files = new DataFiles();
        string path = files.Write("huge", DataFiles.IdxImages(1, 100_000, 100_000, []));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "implausible IDX header");
    }

    [TestMethod]
    public void ReadImages_CorruptGzip_ThrowsNamingFile()
    {
        using var files = new DataFiles();
        var gz = DataFiles.Gzip(DataFiles.IdxImages(20, 28, 28, DataFiles.Pixels(20 * 784)));
        for (int i = 20; i < 60; i++)
        {
            gz[i] ^= 0xA5;
        }
        string path = files.Write("corrupt.gz", gz);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "gzip");
    }

    [TestMethod]
    public void ReadImages_MissingFile_ThrowsFileNotFound()
    {
        using var files = new DataFiles();
        string path = files.PathOf("absent-images-idx3-ubyte");

        var ex = Assert.ThrowsExactly<FileNotFoundException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(ex.Message, path);
    }

    /// <summary>A stream that cannot seek, like a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }

        public override long Length => throw new NotSupportedException();
    }
}
