using System.Text;

namespace Entropy.MLNet.Sweep;

/// <summary>Crash-safe file writes: appends that reach the disk before returning, and whole-file replacement by rename.</summary>
internal static class DurableFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Appends <paramref name="text"/> and flushes it to the disk (fsync) before returning.</summary>
    public static void Append(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Utf8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> atomically (temp file, fsync, rename).</summary>
    public static void Replace(string path, string text) => Replace(path, stream => stream.Write(Utf8.GetBytes(text)));

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> writes, atomically: into a temp file in the same
    /// directory, fsynced, then renamed over the target, so that a crash leaves the old file or the new one, never a part.
    /// </summary>
    public static void Replace(string path, Action<Stream> write)
    {
        string temp = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Cuts <paramref name="path"/> to its first <paramref name="length"/> bytes and flushes.</summary>
    public static void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.SetLength(length);
        stream.Flush(flushToDisk: true);
    }
}
