using System.Buffers.Binary;

namespace Entropy.MLNet.Data;

/// <summary>
/// Reads IDX files of unsigned bytes (MNIST, Fashion-MNIST), gzip-compressed or raw, checking the big-endian header
/// against the data that follows: a wrong magic number, a truncated file or a header that announces more or less data
/// than the file holds is an <see cref="InvalidDataException"/> naming the file. The header is checked before the data
/// is read: at most <see cref="MaxCount"/> items, sides of at most 4096 pixels, and the announced size must match the
/// file's length (raw files) or the length its gzip trailer declares (gzip files, modulo 2^32). A subset of the images
/// can be read without holding the others (<see cref="ReadImages(string, Func{int, int[]}?, long?)"/>).
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Largest accepted image side; guards against absurd headers.</summary>
    private const int MaxSide = 4096;

    /// <summary>Most images or labels an IDX file may announce (10 million; MNIST's training split has 60,000).</summary>
    public const int MaxCount = 10_000_000;

    /// <summary>Reads an images file; returns the count, rows, columns and the raw bytes (count·rows·cols, row-major).</summary>
    /// <param name="path">A <c>*-images-idx3-ubyte</c> file, raw or gzip.</param>
    public static IdxImages ReadImages(string path) => ReadImages(path, subset: null);

    /// <summary>
    /// Reads the images of an images file that <paramref name="subset"/> picks: given the count the header announces, it
    /// returns ascending indices; only those images are kept (in that order), and the file is read only up to the last
    /// of them. Null reads every image.
    /// </summary>
    /// <param name="path">A <c>*-images-idx3-ubyte</c> file, raw or gzip.</param>
    /// <param name="subset">Picks the images to keep from the announced count, or null for all.</param>
    /// <param name="maxMemoryBytes">Memory budget for the images kept (5 bytes per pixel); null: <see cref="Runtime.MemoryBudget.Default"/>.</param>
    public static IdxImages ReadImages(string path, Func<int, int[]>? subset, long? maxMemoryBytes = null)
    {
        using var stream = DataStreams.OpenFile(path);
        return ReadImages(stream, path, RawLength(stream), subset, maxMemoryBytes);
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
            return ReadImages(data, name, RawLength(data), subset: null, maxMemoryBytes: null);
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

    private static IdxImages ReadImages(Stream stream, string name, long? fileLength, Func<int, int[]>? subset, long? maxMemoryBytes)
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
        CheckCount(name, count, "images");
        long size = (long)count * rows * cols;
        string what = $"{count} images of {rows}x{cols}";
        CheckFileLength(name, fileLength, 16, size, what);
        CheckTrailer(name, stream, 16, size, what);
        if (subset is null)
        {
            CheckMemory(name, size, what, maxMemoryBytes);
            return new IdxImages(count, rows, cols, ReadPayload(stream, name, size, what));
        }
        int[] keep = subset(count);
        for (int i = 0; i < keep.Length; i++)
        {
            if (keep[i] < 0 || keep[i] >= count || (i > 0 && keep[i] <= keep[i - 1]))
            {
                throw new ArgumentException($"The subset of {name} must be ascending indices in 0..{count - 1}.", nameof(subset));
            }
        }
        int imageSize = rows * cols;
        CheckMemory(name, (long)keep.Length * imageSize, $"{keep.Length} of its {what}", maxMemoryBytes);
        return new IdxImages(keep.Length, rows, cols, ReadSubset(stream, name, keep, imageSize, size, what));
    }

    private static void CheckCount(string name, int count, string kind)
    {
        if (count > MaxCount)
        {
            throw new InvalidDataException($"{name}: the header announces {count} {kind}, over the limit of {MaxCount}.");
        }
    }

    /// <summary>A gzip file's trailer declares its decompressed length (mod 2^32): it must agree with the header before anything is read.</summary>
    private static void CheckTrailer(string name, Stream stream, int headerSize, long payload, string what)
    {
        uint announced = unchecked((uint)(headerSize + payload));
        if (stream is GzipCheckedStream { ExpectedLength: uint trailer } && trailer != announced)
        {
            throw new InvalidDataException(
                $"{name}: the header announces {what} ({headerSize + payload} bytes with the header) but the gzip trailer declares {trailer} bytes (mod 2^32): "
                + "the file is truncated, or it holds more data or less than its header announces.");
        }
    }

    /// <summary>The pixels kept become floats (4 bytes each): refuse, before reading, what cannot fit the memory budget.</summary>
    private static void CheckMemory(string name, long pixels, string what, long? maxMemoryBytes)
    {
        long budget = maxMemoryBytes ?? Runtime.MemoryBudget.Default();
        // One byte per pixel while reading, then four as floats.
        if (pixels * 5 > budget)
        {
            throw new InvalidDataException(
                $"{name}: loading {what} takes about {Runtime.MemoryBudget.Format(pixels * 5.0)}, more than the memory budget of {Runtime.MemoryBudget.Format(budget)}; use fewer training samples (--train-samples) or raise --max-memory.");
        }
    }

    /// <summary>Streams through the images, keeping those in <paramref name="keep"/>, and stops after the last one.</summary>
    private static byte[] ReadSubset(Stream stream, string name, int[] keep, int imageSize, long size, string what)
    {
        var result = new byte[(long)keep.Length * imageSize];
        var skip = new byte[imageSize];
        int next = 0;
        for (int image = 0; next < keep.Length; image++)
        {
            Span<byte> target = image == keep[next] ? result.AsSpan(next++ * imageSize, imageSize) : skip;
            int filled = stream.ReadAtLeast(target, imageSize, throwOnEndOfStream: false);
            if (filled < imageSize)
            {
                throw new InvalidDataException(
                    $"{name}: truncated file; the header announces {what} ({size} bytes) but it ends inside image {image}.");
            }
        }
        return result;
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
        CheckCount(name, count, "labels");
        string what = $"{count} labels";
        CheckFileLength(name, fileLength, 8, count, what);
        CheckTrailer(name, stream, 8, count, what);
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
