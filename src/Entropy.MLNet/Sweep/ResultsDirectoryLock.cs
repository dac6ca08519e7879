using System.Globalization;
using System.Text;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// The exclusive lock of a results directory, held by its one writer (<c>sweep</c>, <c>merge</c>'s output,
/// <c>report</c>) while it writes. The lock is an open handle of <c>DIR/.entropy.lock</c> with
/// <see cref="FileShare.None"/> (flock on Linux and macOS, a sharing lock on Windows), so the operating system drops it
/// when the process ends, however it ends (kill -9 included): a lock file left behind never blocks anyone. The holder
/// writes its PID, host and command to <c>DIR/.entropy.lock.holder</c> (a held lock file cannot be read) so that the
/// next writer's error names it.
/// </summary>
internal sealed class ResultsDirectoryLock : IDisposable
{
    /// <summary>The locked file.</summary>
    public const string FileName = ".entropy.lock";

    /// <summary>Who holds the lock, for the message of the next writer.</summary>
    public const string HolderFileName = ".entropy.lock.holder";

    private const int MaxHolderChars = 300;

    private readonly FileStream _handle;

    private ResultsDirectoryLock(FileStream handle) => _handle = handle;

    /// <summary>Takes the lock of <paramref name="directory"/> (which must exist), or throws at once.</summary>
    /// <param name="directory">The results directory.</param>
    /// <param name="command">What the holder does ("entropy sweep"), for the next writer's message.</param>
    /// <exception cref="ResultsDirectoryBusyException">Another writer holds it.</exception>
    /// <exception cref="IOException">The lock file cannot be created.</exception>
    public static ResultsDirectoryLock Acquire(string directory, string command)
    {
        string path = Path.Combine(directory, FileName);
        FileStream handle;
        try
        {
            handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (IsSharingViolation(ex))
        {
            throw new ResultsDirectoryBusyException(directory, Holder(directory), ex);
        }
        try
        {
            string holder = string.Create(CultureInfo.InvariantCulture,
                $"PID {Environment.ProcessId} on {Environment.MachineName}, {command}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
            File.WriteAllText(Path.Combine(directory, HolderFileName), holder + "\n");
            return new ResultsDirectoryLock(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Releases the lock (the files stay: removing them could let two writers lock different files).</summary>
    public void Dispose() => _handle.Dispose();

    // How .NET reports a FileShare.None handle held elsewhere: ERROR_SHARING_VIOLATION on Windows; elsewhere the errno of
    // the failed flock, EWOULDBLOCK (11 on Linux, 35 on macOS and the BSDs), as the HResult.
    private static bool IsSharingViolation(IOException ex) => OperatingSystem.IsWindows()
        ? ex.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
        : ex.HResult == (OperatingSystem.IsLinux() ? 11 : 35);

    private static string Holder(string directory)
    {
        try
        {
            using var reader = new StreamReader(Path.Combine(directory, HolderFileName), Encoding.UTF8);
            var buffer = new char[MaxHolderChars];
            int read = reader.ReadBlock(buffer, 0, buffer.Length);
            string text = new string(buffer, 0, read).Trim();
            return text.Length == 0 ? "holder unknown" : text.ReplaceLineEndings(" ");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "holder unknown";
        }
    }
}
