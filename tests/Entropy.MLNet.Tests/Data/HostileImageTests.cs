using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Entropy.MLNet.Data;

namespace Entropy.MLNet.Tests.Data;

/// <summary>
/// Image folders that announce more than they hold (issue 10 §2): a tiny PNG whose header declares 60000×60000 pixels,
/// and a half-truncated PNG among good ones. Both are refused with one error naming the file, before anything large is
/// allocated.
/// </summary>
[TestClass]
public sealed class HostileImageTests
{
    [TestMethod]
    [DataRow(60000, 60000)]
    [DataRow(4097, 4096)]
    public void Load_PngDeclaringTooManyPixels_RefusedFromItsHeader(int width, int height)
    {
        using var files = new DataFiles();
        files.WritePng("imgs/a/good.png", 4, 3, (x, y) => ((byte)x, (byte)y, 0));
        string bomb = files.Write("imgs/a/huge.png", PngDeclaring(width, height));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("folder:" + files.PathOf("imgs")));

        Assert.IsLessThan(200, new FileInfo(bomb).Length, "the crafted file is tiny");
        StringAssert.StartsWith(ex.Message, bomb);
        StringAssert.Contains(ex.Message, $"declares {width}x{height} pixels, over the limit of {ImageFolderLoader.MaxPixels} pixels");
    }

    [TestMethod]
    public void Load_PngDeclaringTooManyPixels_RefusedAlsoWithAnImageSize()
    {
        using var files = new DataFiles();
        string bomb = files.Write("imgs/a/huge.png", PngDeclaring(60000, 60000));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() =>
            DatasetCatalog.Load(new DatasetRequest("folder:" + files.PathOf("imgs")) { ImageSize = new ImageSize(28, 28) }));

        StringAssert.StartsWith(ex.Message, bomb);
    }

    [TestMethod]
    public void Load_HalfTruncatedPngAmongGoodOnes_RefusedNamingIt()
    {
        using var files = new DataFiles();
        for (int i = 0; i < 3; i++)
        {
            files.WritePng($"imgs/a/{i}.png", 64, 64, (x, y) => ((byte)(x * 3 + i), (byte)(y * 5), (byte)((x * y) + i)));
        }
        string whole = files.WritePng("imgs/a/3.png", 64, 64, (x, y) => ((byte)(x * 7), (byte)(y * 11), (byte)(x ^ y)));
        byte[] bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(whole, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => DatasetCatalog.Load("folder:" + files.PathOf("imgs")));

        StringAssert.StartsWith(ex.Message, whole);
        StringAssert.Contains(ex.Message, "truncated image");
    }

    [TestMethod]
    public void Load_TheSameFolderWithTheTruncatedFileRemoved_Loads()
    {
        using var files = new DataFiles();
        for (int i = 0; i < 3; i++)
        {
            files.WritePng($"imgs/a/{i}.png", 64, 64, (x, y) => ((byte)(x * 3 + i), (byte)(y * 5), (byte)((x * y) + i)));
        }

        var data = DatasetCatalog.Load("folder:" + files.PathOf("imgs"));

        Assert.AreEqual(3, data.Count);
    }

    /// <summary>A valid PNG signature and IHDR declaring width × height RGB pixels, a tiny IDAT and IEND: well under 100 bytes.</summary>
    internal static byte[] PngDeclaring(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        Chunk(png, "IHDR", ihdr);
        using (var deflated = new MemoryStream())
        {
            using (var z = new ZLibStream(deflated, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                z.Write(new byte[16]);
            }
            Chunk(png, "IDAT", deflated.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }
        return ~crc;
    }
}
