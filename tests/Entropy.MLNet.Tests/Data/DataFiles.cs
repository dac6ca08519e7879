using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML.Data;

namespace Entropy.MLNet.Tests.Data;

/// <summary>A temporary directory deleted on dispose, and writers for small (possibly broken) dataset files.</summary>
internal sealed class DataFiles : IDisposable
{
    public DataFiles()
    {
        Root = Path.Combine(Path.GetTempPath(), "entropy-mlnet-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }

    /// <summary>IDX images bytes with the given header (count, rows, cols) followed by <paramref name="pixels"/>.</summary>
    public static byte[] IdxImages(int count, int rows, int cols, byte[] pixels, int magic = 0x803)
    {
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        pixels.CopyTo(bytes, 16);
        return bytes;
    }

    public static byte[] IdxLabels(byte[] labels, int? count = null, int magic = 0x801)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count ?? labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>Deterministic pixel bytes 0..255.</summary>
    public static byte[] Pixels(int length, int salt = 0) =>
        [.. Enumerable.Range(0, length).Select(i => (byte)((i * 37 + salt * 11) % 256))];

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(data);
        }
        return ms.ToArray();
    }

    public string Write(string relativePath, byte[] bytes)
    {
        string path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes a consistent MNIST-style train split (n images of rows×cols, labels i % 10) under <c>dir</c>.</summary>
    public (string Images, string Labels) WriteIdxSplit(string dir, int n, int rows = 4, int cols = 3, bool gzip = true, string prefix = "train")
    {
        var images = IdxImages(n, rows, cols, Pixels(n * rows * cols));
        var labels = IdxLabels([.. Enumerable.Range(0, n).Select(i => (byte)(i % 10))]);
        string ext = gzip ? ".gz" : string.Empty;
        return (Write(Path.Combine(dir, $"{prefix}-images-idx3-ubyte{ext}"), gzip ? Gzip(images) : images),
                Write(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte{ext}"), gzip ? Gzip(labels) : labels));
    }

    /// <summary>CIFAR-10 binary records: label, then R, G, B planes of 32×32 made from the record index.</summary>
    public static byte[] CifarRecords(params byte[] labels)
    {
        const int plane = 1024;
        var bytes = new byte[labels.Length * (1 + 3 * plane)];
        for (int i = 0; i < labels.Length; i++)
        {
            int offset = i * (1 + 3 * plane);
            bytes[offset] = labels[i];
            for (int c = 0; c < 3; c++)
            {
                for (int p = 0; p < plane; p++)
                {
                    bytes[offset + 1 + c * plane + p] = CifarPixel(i, c, p);
                }
            }
        }
        return bytes;
    }

    public static byte CifarPixel(int record, int channel, int p) => (byte)((record * 50 + channel * 80 + p * 7) % 256);

    /// <summary>Writes a PNG of <paramref name="width"/>×<paramref name="height"/> whose pixel (x, y) has the given RGB.</summary>
    public string WritePng(string relativePath, int width, int height, Func<int, int, (byte R, byte G, byte B)> color)
    {
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = color(x, y);
                int o = (y * width + x) * 4;
                (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3]) = (r, g, b, 255);
            }
        }
        string path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, rgba);
        image.Save(path);
        return path;
    }
}
