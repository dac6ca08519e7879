using System.Buffers.Binary;
using System.IO.Compression;

namespace Entropy.MLNet.Data;

/// <summary>Reads IDX files (MNIST, Fashion-MNIST), gzip-compressed or raw, checking the header against the file.</summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an images file; returns the count, rows, columns and the raw bytes (count·rows·cols).</summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        using var stream = OpenMaybeGzip(path);
        Span<byte> header = stackalloc byte[16];
        ReadExactly(stream, header, path, "header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != ImagesMagic)
        {
            throw new InvalidDataException($"{path}: wrong magic number 0x{magic:X8} for an IDX images file (expected 0x{ImagesMagic:X8}).");
        }
        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        int rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        int cols = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (count < 0 || rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096)
        {
            throw new InvalidDataException($"{path}: implausible IDX header (count {count}, {rows}x{cols}).");
        }
        long size = (long)count * rows * cols;
        if (size > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: header announces {size} bytes of pixels, more than one array can hold.");
        }
        var pixels = ReadPayload(stream, path, size, $"{count} images of {rows}x{cols}");
        return (count, rows, cols, pixels);
    }

    /// <summary>Reads a labels file.</summary>
    public static byte[] ReadLabels(string path)
    {
        using var stream = OpenMaybeGzip(path);
        Span<byte> header = stackalloc byte[8];
        ReadExactly(stream, header, path, "header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != LabelsMagic)
        {
            throw new InvalidDataException($"{path}: wrong magic number 0x{magic:X8} for an IDX labels file (expected 0x{LabelsMagic:X8}).");
        }
        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count < 0)
        {
            throw new InvalidDataException($"{path}: negative label count {count} in the IDX header.");
        }
        return ReadPayload(stream, path, count, $"{count} labels");
    }

    /// <summary>Opens a file, transparently decompressing gzip (detected by its magic bytes, not its name).</summary>
    internal static Stream OpenMaybeGzip(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found.", path);
        }
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int b0 = file.ReadByte(), b1 = file.ReadByte();
        file.Position = 0;
        return b0 == 0x1f && b1 == 0x8b ? new GzipCheckedStream(new GZipStream(file, CompressionMode.Decompress), path) : file;
    }

    private static byte[] ReadPayload(Stream stream, string path, long size, string what)
    {
        // Grow while reading rather than trusting the header with one huge allocation.
        var buffer = new byte[(int)Math.Min(size, 1 << 20)];
        long filled = 0;
        while (filled < size)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(size, (long)buffer.Length * 2));
            }
            int read = stream.Read(buffer, (int)filled, (int)Math.Min(buffer.Length - filled, int.MaxValue));
            if (read == 0)
            {
                throw new InvalidDataException($"{path}: truncated file; the header announces {what} ({size} bytes) but only {filled} follow.");
            }
            filled += read;
        }
        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) != 0)
        {
            throw new InvalidDataException($"{path}: the header announces {what} ({size} bytes) but the file holds more data.");
        }
        return buffer;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, string what)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = stream.Read(buffer[filled..]);
            if (read == 0)
            {
                throw new InvalidDataException($"{path}: truncated file; it ends inside the IDX {what} after {filled} bytes.");
            }
            filled += read;
        }
    }
}
