using System.Buffers.Binary;

namespace Entropy.MLNet.Data;

/// <summary>
/// Reads IDX files of unsigned bytes (MNIST, Fashion-MNIST), gzip-compressed or raw, checking the big-endian header
/// against the data that follows: a wrong magic number, a truncated file or a header that announces more or less data
/// than the file holds is an <see cref="InvalidDataException"/> naming the file.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Largest accepted image side; guards against absurd headers.</summary>
    private const int MaxSide = 4096;

    /// <summary>Reads an images file; returns the count, rows, columns and the raw bytes (count·rows·cols, row-major).</summary>
    /// <param name="path">A <c>*-images-idx3-ubyte</c> file, raw or gzip.</param>
    public static IdxImages ReadImages(string path)
    {
        using var stream = DataStreams.OpenFile(path);
        return ReadImages(stream, path, RawLength(stream));
    }

    /// <summary>Reads an images file from a stream (raw or gzip); <paramref name="name"/> names the stream in errors.</summary>
    /// <param name="stream">The stream, positioned at the start of the file; it is read to its end but not disposed.</param>
    /// <param name="name">File or resource name for error messages.</param>
    public static IdxImages ReadImages(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var data = DataStreams.Open(stream, name);
        try
        {
            return ReadImages(data, name, RawLength(data));
        }
        finally
        {
            if (!ReferenceEquals(data, stream))
            {
                data.Dispose();
            }
        }
    }

    /// <summary>Reads a labels file; returns one byte per item.</summary>
    /// <param name="path">A <c>*-labels-idx1-ubyte</c> file, raw or gzip.</param>
    public static byte[] ReadLabels(string path)
    {
        using var stream = DataStreams.OpenFile(path);
        return ReadLabels(stream, path, RawLength(stream));
    }

    /// <summary>Reads a labels file from a stream (raw or gzip); <paramref name="name"/> names the stream in errors.</summary>
    /// <param name="stream">The stream, positioned at the start of the file; it is read to its end but not disposed.</param>
    /// <param name="name">File or resource name for error messages.</param>
    public static byte[] ReadLabels(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var data = DataStreams.Open(stream, name);
        try
        {
            return ReadLabels(data, name, RawLength(data));
        }
        finally
        {
            if (!ReferenceEquals(data, stream))
            {
                data.Dispose();
            }
        }
    }

    private static IdxImages ReadImages(Stream stream, string name, long? fileLength)
    {
        Span<byte> header = stackalloc byte[16];
        DataStreams.ReadExactly(stream, header[..4], name, "IDX header");
        CheckMagic(BinaryPrimitives.ReadInt32BigEndian(header), ImagesMagic, name, "images");
        DataStreams.ReadExactly(stream, header[4..], name, "IDX header");
        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        int rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        int cols = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (count < 0 || rows <= 0 || cols <= 0 || rows > MaxSide || cols > MaxSide)
        {
            throw new InvalidDataException($"{name}: implausible IDX header (count {count}, {rows}x{cols} pixels).");
        }
        long size = (long)count * rows * cols;
        string what = $"{count} images of {rows}x{cols}";
        CheckFileLength(name, fileLength, 16, size, what);
        return new IdxImages(count, rows, cols, ReadPayload(stream, name, size, what));
    }

    private static byte[] ReadLabels(Stream stream, string name, long? fileLength)
    {
        Span<byte> header = stackalloc byte[8];
        DataStreams.ReadExactly(stream, header[..4], name, "IDX header");
        CheckMagic(BinaryPrimitives.ReadInt32BigEndian(header), LabelsMagic, name, "labels");
        DataStreams.ReadExactly(stream, header[4..], name, "IDX header");
        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count < 0)
        {
            throw new InvalidDataException($"{name}: negative label count {count} in the IDX header.");
        }
        string what = $"{count} labels";
        CheckFileLength(name, fileLength, 8, count, what);
        return ReadPayload(stream, name, count, what);
    }

    private static void CheckMagic(int magic, int expected, string name, string kind)
    {
        if (magic != expected)
        {
            throw new InvalidDataException(
                $"{name}: wrong magic number 0x{magic:X8} for an IDX {kind} file (expected 0x{expected:X8}).");
        }
    }

    /// <summary>For raw files the length is known up front: a header that does not fit it is rejected before allocating.</summary>
    private static void CheckFileLength(string name, long? fileLength, int headerSize, long payload, string what)
    {
        if (fileLength is long length && length != headerSize + payload)
        {
            throw new InvalidDataException(
                $"{name}: the header announces {what} ({headerSize + payload} bytes with the header) but the file holds {length} bytes.");
        }
        if (payload > Array.MaxLength)
        {
            throw new InvalidDataException($"{name}: the header announces {what} ({payload} bytes), more than one array can hold.");
        }
    }

    /// <summary>The bytes left in an uncompressed, seekable stream; null when unknown (gzip, pipes).</summary>
    private static long? RawLength(Stream stream) => stream is not GzipCheckedStream && stream.CanSeek ? stream.Length - stream.Position : null;

    private static byte[] ReadPayload(Stream stream, string name, long size, string what)
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
            int read = stream.Read(buffer, (int)filled, buffer.Length - (int)filled);
            if (read == 0)
            {
                throw new InvalidDataException($"{name}: truncated file; the header announces {what} ({size} bytes) but only {filled} follow.");
            }
            filled += read;
        }
        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) != 0)
        {
            throw new InvalidDataException($"{name}: the header announces {what} ({size} bytes) but the file holds more data.");
        }
        return buffer;
    }
}

/// <summary>The content of an IDX images file.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Rows (height) per image.</param>
/// <param name="Columns">Columns (width) per image.</param>
/// <param name="Pixels">Count·Rows·Columns bytes, image after image, row-major.</param>
#pragma warning disable CA1819 // The raw buffer is handed over, not shared.
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);
#pragma warning restore CA1819
