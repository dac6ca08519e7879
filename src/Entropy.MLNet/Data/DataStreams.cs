using System.Buffers.Binary;
using System.IO.Compression;

namespace Entropy.MLNet.Data;

/// <summary>Opens data files and streams that may be gzip-compressed (detected by the gzip magic bytes, not the name).</summary>
internal static class DataStreams
{
    /// <summary>Opens <paramref name="path"/> for reading, decompressing gzip transparently.</summary>
    /// <remarks>
    /// For a gzip file the decompressed length is checked against the gzip trailer (ISIZE) when the stream ends, because
    /// .NET's <see cref="GZipStream"/> returns a short stream without error when the file is truncated. Multi-member gzip
    /// files (e.g. bgzip output) are therefore not supported.
    /// </remarks>
    public static Stream OpenFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found.", path);
        }
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            if (read == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            {
                uint? expectedLength = null;
                if (file.Length >= 18)
                {
                    Span<byte> trailer = stackalloc byte[4];
                    file.Position = file.Length - 4;
                    file.ReadExactly(trailer);
                    expectedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
                }
                file.Position = 0;
                return new GzipCheckedStream(new GZipStream(file, CompressionMode.Decompress), path, expectedLength);
            }
            file.Position = 0;
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Wraps <paramref name="stream"/>, decompressing gzip transparently; <paramref name="name"/> names it in errors.
    /// Disposing the result leaves <paramref name="stream"/> open (a raw stream is returned as is).
    /// </summary>
    public static Stream Open(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var head = new byte[2];
        int read = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        Stream whole = stream.CanSeek ? Rewind(stream, read) : new PrefixedStream(head.AsMemory(0, read), stream);
        return read == 2 && head[0] == 0x1f && head[1] == 0x8b
            ? new GzipCheckedStream(new GZipStream(whole, CompressionMode.Decompress, leaveOpen: true), name, expectedLength: null)
            : whole;
    }

    private static Stream Rewind(Stream stream, int read)
    {
        stream.Seek(-read, SeekOrigin.Current);
        return stream;
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes or throws an <see cref="InvalidDataException"/> naming the source.</summary>
    public static void ReadExactly(Stream stream, Span<byte> buffer, string name, string what)
    {
        int filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (filled < buffer.Length)
        {
            throw new InvalidDataException($"{name}: truncated file; it ends inside the {what} after {filled} of {buffer.Length} bytes.");
        }
    }

    /// <summary>Reads a stream to its end into one array, growing as data arrives rather than trusting any announced size.</summary>
    public static byte[] ReadToEnd(Stream stream, string name, long maxLength)
    {
        var buffer = new byte[1 << 20];
        long filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length >= maxLength)
                {
                    throw new InvalidDataException($"{name}: more than {maxLength} bytes of data; refusing to load it into memory.");
                }
                Array.Resize(ref buffer, (int)Math.Min(maxLength, (long)buffer.Length * 2));
            }
            int read = stream.Read(buffer, (int)filled, buffer.Length - (int)filled);
            if (read == 0)
            {
                Array.Resize(ref buffer, (int)filled);
                return buffer;
            }
            filled += read;
        }
    }

    /// <summary>A 256-entry table mapping a byte to its value in [0, 1] (b / 255).</summary>
    public static readonly float[] UnitScale = Enumerable.Range(0, 256).Select(b => b / 255f).ToArray();

    /// <summary>Converts bytes to floats in [0, 1] in one pass.</summary>
    public static float[] ToUnitFloats(byte[] bytes)
    {
        var table = UnitScale;
        var result = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            result[i] = table[bytes[i]];
        }
        return result;
    }

    /// <summary>A read-only stream that first yields a few bytes already read, then the rest of the inner stream (left open).</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty)
            {
                return inner.Read(buffer);
            }
            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    }
}
