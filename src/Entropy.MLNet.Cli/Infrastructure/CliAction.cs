using System.CommandLine;
using System.IO.Compression;
using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.Cli.Infrastructure;

/// <summary>
/// Runs a command's body and turns the errors a user can cause (bad files, bad arguments, a missing backend) into one
/// line on stderr and <see cref="ExitCodes.Failure"/>, a results directory held by another writer into
/// <see cref="ExitCodes.Busy"/>, Ctrl+C into <see cref="ExitCodes.Cancelled"/>, without stack traces.
/// </summary>
internal static class CliAction
{
    public static void Set(Command command, Option<string> format, Func<ParseResult, CliOutput, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, ct) =>
        {
            var config = parse.InvocationConfiguration;
            var output = new CliOutput(config.Output, config.Error, parse.GetValue(format) == "json");
            WarnAboutThreads(command, parse, output);
            try
            {
                return await body(parse, output, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                output.Error.WriteLine("entropy: cancelled; results already written are kept.");
                return ExitCodes.Cancelled;
            }
            catch (Sweep.ResultsDirectoryBusyException ex)
            {
                output.Error.WriteLine($"entropy {command.Name}: error: {OneLine(ex)}");
                return ExitCodes.Busy;
            }
            catch (Exception ex) when (IsUserError(ex))
            {
                output.Error.WriteLine($"entropy {command.Name}: error: {OneLine(ex)}");
                return ExitCodes.Failure;
            }
        });
    }

    /// <summary>
    /// More intra-op threads than cores oversubscribe them and run much slower; warn, but do not cap: the same seed and
    /// thread count must stay bit-identical.
    /// </summary>
    private static void WarnAboutThreads(Command command, ParseResult parse, CliOutput output)
    {
        if (command.Options.FirstOrDefault(o => o.Name == "--threads") is Option<int?> option
            && parse.GetValue(option) is int threads && threads > Environment.ProcessorCount)
        {
            output.Error.WriteLine($"entropy {command.Name}: warning: --threads {threads} exceeds the {Environment.ProcessorCount} processor(s) of this machine; the threads will compete for them and run slower (the thread count is kept, as it decides the results' rounding).");
        }
    }

    /// <summary>Errors that come from the input, the arguments or the machine rather than from a bug.</summary>
    internal static bool IsUserError(Exception ex) => ex is ArgumentException or InvalidDataException or IOException
        or UnauthorizedAccessException or NativeBackendException or FormatException or NotSupportedException
        or InvalidOperationException or System.Text.Json.JsonException or HttpRequestException;

    internal static string OneLine(Exception ex)
    {
        string message = ex is ArgumentException { ParamName: not null } arg
            ? arg.Message.Replace($" (Parameter '{arg.ParamName}')", string.Empty, StringComparison.Ordinal)
            : ex.Message;
        return message.ReplaceLineEndings(" ");
    }
}
