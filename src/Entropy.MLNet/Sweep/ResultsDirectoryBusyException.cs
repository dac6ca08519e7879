namespace Entropy.MLNet.Sweep;

/// <summary>
/// Another process (or another writer in this one) holds the results directory's lock: two writers would interleave
/// rows. <c>entropy</c> exits with code 75 (EX_TEMPFAIL: try again once the holder is done).
/// </summary>
public sealed class ResultsDirectoryBusyException : IOException
{
    /// <summary>Creates the exception for <paramref name="directory"/> held by <paramref name="holder"/>.</summary>
    /// <param name="directory">The results directory.</param>
    /// <param name="holder">Who holds it, as the holder wrote it (PID, host, command, since when).</param>
    /// <param name="inner">The sharing violation.</param>
    public ResultsDirectoryBusyException(string directory, string holder, Exception? inner)
        : base($"'{directory}' is in use by another writer ({holder}); wait for it to finish, or stop it, and run again.", inner)
    {
        Holder = holder;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ResultsDirectoryBusyException() : base("The results directory is in use by another writer.")
    {
        Holder = "unknown";
    }

    /// <summary>Creates the exception.</summary>
    public ResultsDirectoryBusyException(string message) : base(message)
    {
        Holder = "unknown";
    }

    /// <summary>Creates the exception.</summary>
    public ResultsDirectoryBusyException(string message, Exception inner) : base(message, inner)
    {
        Holder = "unknown";
    }

    /// <summary>Who holds the directory (PID, host, command, since when), or "unknown".</summary>
    public string Holder { get; }
}
