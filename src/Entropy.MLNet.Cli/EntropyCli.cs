using System.CommandLine;
using System.CommandLine.Invocation;
using Entropy.MLNet.Cli.Commands;
using Entropy.MLNet.Cli.Infrastructure;

namespace Entropy.MLNet.Cli;

/// <summary>The <c>entropy</c> command line: one sub-command per file under Commands/.</summary>
internal static class EntropyCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "entropy: predicts which initialisations of a deep network will train, from the reconstruction entropy of a decoder cascade (arXiv 2406.12916).\n" +
            "Example: entropy data --dataset mnist");
        foreach (var command in Commands())
        {
            root.Subcommands.Add(command);
        }
        StrictNumbers.Apply(root);
        return root;
    }

    /// <summary>Every sub-command; add new commands here.</summary>
    private static IEnumerable<Command> Commands()
    {
        yield return DataCommand.Create();
        yield return ProbeCommand.Create();
        yield return BenchCommand.Create();
        yield return TheoryCommand.Create();
        yield return TrainCommand.Create();
        yield return SweepCommand.Create();
        yield return GroundTruthCommand.Create();
        yield return AgreementCommand.Create();
        yield return MergeCommand.Create();
        yield return ReportCommand.Create();
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns one of <see cref="ExitCodes"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var config = new InvocationConfiguration
        {
            Output = stdout ?? Console.Out,
            Error = stderr ?? Console.Error,
        };
        ParseResult parse = Build().Parse(args);
        // --help and --version win over parse errors (their actions replace the error action), as users expect.
        if (parse.Action is ParseErrorAction)
        {
            return UsageErrors.Report(parse, config.Error);
        }
        return await parse.InvokeAsync(config).ConfigureAwait(false);
    }
}
