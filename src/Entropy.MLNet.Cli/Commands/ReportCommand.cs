using System.CommandLine;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Reporting;

namespace Entropy.MLNet.Cli.Commands;

/// <summary><c>entropy report DIR</c>: (re)writes the PNGs and the self-contained report.html of a sweep results directory.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var directory = new Argument<string>("DIR")
        {
            Description = "A sweep results directory (the --out of entropy sweep: settings.json, results.csv, curves.csv, ...).",
        };
        var scoreDepth = new Option<int?>("--score-depth")
        {
            Description = "Depth L whose trainability score the results table shows; default D/2 (as entropy sweep's summary).",
        };
        var command = new Command("report",
            "Writes the phase diagram and entropy curves (PNG) and one self-contained report.html (pictures embedded, settings, " +
            "results, agreement with ground truth, timings) from a sweep results directory. Reads only the files; no training.\n" +
            "Example: entropy report out/quick")
        {
            directory, scoreDepth, format,
        };
        CliAction.Set(command, format, (parse, output, ct) =>
        {
            string dir = parse.GetValue(directory)!;
            output.Status($"entropy report: reading {dir}");
            var files = SweepReport.Write(dir, parse.GetValue(scoreDepth));
            var result = new ReportResult(Path.GetFullPath(files.Directory), Path.GetFullPath(files.Html), [.. files.Pictures.Select(Path.GetFullPath)]);
            output.Write(result, w =>
            {
                w.WriteLine($"report   {result.Report}");
                foreach (string picture in result.Pictures)
                {
                    w.WriteLine($"picture  {picture}");
                }
            });
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>The JSON document of <c>entropy report --format json</c>: the paths written (<c>report</c>: report.html, as in entropy sweep's).</summary>
    internal sealed record ReportResult(string Directory, string Report, IReadOnlyList<string> Pictures);
}
