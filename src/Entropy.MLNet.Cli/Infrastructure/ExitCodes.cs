namespace Entropy.MLNet.Cli.Infrastructure;

/// <summary>
/// The exit codes of <c>entropy</c>, all in one place (the README's table lists them). Scripts branch on them, so a
/// code keeps its meaning once published; a new kind of outcome gets a new code.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>
    /// The command ran and refused its input or failed: an option value out of range, a missing, unreadable or corrupt
    /// file, a failed download, no compute backend. One line on stderr names the option or file.
    /// </summary>
    public const int Failure = 1;

    /// <summary>
    /// The command line does not parse (an unknown command or option, a missing required option, a value that is not a
    /// number or not one of the listed choices, an extra argument): nothing ran. As Unix tools, 2.
    /// </summary>
    public const int Usage = 2;

    /// <summary>
    /// EX_TEMPFAIL (sysexits.h): another <c>entropy</c> process is writing the results directory (sweep, merge, report);
    /// the same command succeeds once that one is done.
    /// </summary>
    public const int Busy = 75;

    /// <summary>Ctrl+C (SIGINT, 128 + 2): what was already written is kept.</summary>
    public const int Cancelled = 130;
}
