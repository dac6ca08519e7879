using System.CommandLine;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Cli.Commands;

/// <summary><c>entropy merge</c>: combines the results directories of a sharded sweep into one.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var inputs = new Argument<string[]>("DIR") { Description = "Shard results directories (from entropy sweep --shard i/n).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "New directory for the merged results.", Required = true };
        var command = new Command("merge",
            "Combines the results directories of the shards of one sweep into one, equal to an unsharded run's. Refuses directories of different sweeps " +
            "(settings other than the shard differ) or holding the same configuration twice.\n" +
            "Example: entropy merge runs/s0 runs/s1 runs/s2 runs/s3 --out runs/all")
        {
            inputs, output, format,
        };
        CliAction.Set(command, format, (parse, cli, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            SweepMergeSummary summary = SweepMerger.Merge(parse.GetValue(inputs) ?? [], parse.GetValue(output)!);
            var result = new MergeResult(summary.Directory, summary.Inputs, summary.Configurations, summary.GridSize, summary.Missing);
            cli.Write(result, w =>
            {
                w.WriteLine($"Merged {summary.Inputs.Count} director{(summary.Inputs.Count == 1 ? "y" : "ies")} into {summary.Directory}: {summary.Configurations} of {summary.GridSize} configuration(s).");
                if (summary.Missing > 0)
                {
                    w.WriteLine($"{summary.Missing} configuration(s) are missing; running the same sweep without --shard into {summary.Directory} computes them.");
                }
            });
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>
    /// The JSON document of <c>entropy merge --format json</c>. Counts end in <c>Count</c>: <c>configurations</c> is an
    /// array of rows wherever it appears (sweep, theory).
    /// </summary>
    internal sealed record MergeResult(string Directory, IReadOnlyList<string> Inputs, int ConfigurationCount, int GridSize, int Missing);
}
