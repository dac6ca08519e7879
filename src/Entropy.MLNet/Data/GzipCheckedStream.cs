using System.IO.Compression;

namespace Entropy.MLNet.Data;

/// <summary>
/// Wraps a <see cref="GZipStream"/> so that corrupt gzip data surfaces as an <see cref="InvalidDataException"/> naming the
/// file, and so that a truncated file (which <see cref="GZipStream"/> ends silently) is detected from the gzip trailer.
/// </summary>
internal sealed class GzipCheckedStream(GZipStream inner, string name, uint? expectedLength) : Stream
{
    private long _produced;

    /// <summary>The decompressed length modulo 2^32 that the gzip trailer (ISIZE) announces; null when unknown.</summary>
    public uint? ExpectedLength => expectedLength;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{name}: corrupt gzip data ({ex.Message})", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"{name}: truncated gzip stream.", ex);
        }
        _produced += read;
        if (read == 0 && buffer.Length > 0 && expectedLength is uint expected && (uint)_produced != expected)
        {
            throw new InvalidDataException(
                $"{name}: truncated or corrupt gzip file; it decompresses to {_produced} bytes but its trailer announces {expected} (mod 2^32).");
        }
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
