using System.IO.Compression;

namespace Entropy.MLNet.Data;

/// <summary>Wraps a <see cref="GZipStream"/> so that a corrupt gzip stream surfaces as an <see cref="InvalidDataException"/> naming the file.</summary>
internal sealed class GzipCheckedStream(GZipStream inner, string path) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: corrupt gzip data ({ex.Message})", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"{path}: truncated gzip stream.", ex);
        }
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
