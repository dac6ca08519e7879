using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Entropy.MLNet.Cli;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Training;

namespace Entropy.MLNet.Tests.Cli;

/// <summary>
/// What every command shares (issue 13 §3): usage errors as one line on stderr with their own exit code, the exit codes
/// the README documents, and help texts without repository-internal paths or stale defaults.
/// </summary>
[TestClass]
public sealed class CliConventionsTests
{
    [TestMethod]
    [DataRow("entropy probe", "probe")]
    [DataRow("entropy probe", "probe", "--sigma-w2", "1.5", "--depth", "x", "--format", "json")]
    [DataRow("entropy", "prob", "--sigma-w2", "1.5")]
    [DataRow("entropy")]
    [DataRow("entropy theory", "theory", "--format", "xml")]
    [DataRow("entropy theory", "theory", "--no-such-option", "--format", "json")]
    [DataRow("entropy merge", "merge")]
    [DataRow("entropy sweep", "sweep", "--preset", "fast", "--out", "unused", "--format", "json")]
    [DataRow("entropy data", "data", "--split", "validation")]
    public async Task UsageError_OneLineOnStderr_NothingOnStdout_ExitTwo(string command, params string[] args)
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync(args);

        Assert.AreEqual(2, exit, stderr);
        Assert.AreEqual(string.Empty, stdout, "a usage error must not print the help (or anything) on stdout");
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, stderr);
        StringAssert.StartsWith(lines[0], $"{command}: error: ");
        StringAssert.EndsWith(lines[0].TrimEnd(), $"Try '{command} --help'.");
        Assert.IsLessThan(400, lines[0].Length, "one line, not the help text");
        Assert.DoesNotContain("\t", lines[0]);
        Assert.IsFalse(Directory.Exists("unused"));
    }

    [TestMethod]
    public async Task UsageError_NamesWhatIsWrong()
    {
        var (_, _, missing) = await CliRunner.RunAsync("probe", "--depth", "3");
        var (_, _, choice) = await CliRunner.RunAsync("theory", "--format", "xml");
        var (_, _, typo) = await CliRunner.RunAsync("sweeep");
        var (_, _, optionTypo) = await CliRunner.RunAsync("theory", "--sigma-w", "1");

        StringAssert.Contains(missing, "'--sigma-w2' is required");
        StringAssert.Contains(choice, "'xml'");
        StringAssert.Contains(choice, "'json'");
        StringAssert.Contains(typo, "Did you mean 'sweep'?");
        StringAssert.Contains(optionTypo, "Did you mean '--sigma-w2'?");
    }

    [TestMethod]
    public async Task Help_WithRequiredOptionsMissing_IsHelpNotAnError()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("probe", "--help");

        Assert.AreEqual(0, exit, stderr);
        StringAssert.Contains(stdout, "Usage:");
        StringAssert.Contains(stdout, "--sigma-w2");
        Assert.AreEqual(string.Empty, stderr);
    }

    [TestMethod]
    public async Task RuntimeError_IsExitOne_UsageErrorExitTwo_ForTheSameOption()
    {
        // Parsed but refused by the command (a depth below 1) versus not parsed at all (not an integer).
        var (refused, _, refusedErr) = await CliRunner.RunAsync("theory", "--depth", "0");
        var (unparsed, _, unparsedErr) = await CliRunner.RunAsync("theory", "--depth", "zero");

        Assert.AreEqual(1, refused, refusedErr);
        Assert.AreEqual(2, unparsed, unparsedErr);
        StringAssert.StartsWith(refusedErr, "entropy theory: error: --depth");
        Assert.DoesNotContain("Try 'entropy", refusedErr);
    }

    [TestMethod]
    public void ExitCodes_AreDistinctAndExactlyTheReadmeTable()
    {
        int[] codes = [.. typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int)).Select(f => (int)f.GetRawConstantValue()!)];
        int[] documented = Codes(ReadmeSection("Exit codes of `entropy`"));
        // The tool package's README (what `dotnet tool install` users see) lists them too.
        int[] packaged = Codes(RepositoryFile("src/Entropy.MLNet.Cli/TOOL.md"));

        Assert.AreEqual(codes.Length, codes.Distinct().Count(), "two outcomes share an exit code");
        CollectionAssert.AreEquivalent(codes, documented, $"code: {string.Join(", ", codes.Order())}; README: {string.Join(", ", documented.Order())}");
        CollectionAssert.AreEquivalent(codes, packaged, $"code: {string.Join(", ", codes.Order())}; TOOL.md: {string.Join(", ", packaged.Order())}");
        Assert.AreEqual(0, ExitCodes.Success);
        Assert.AreEqual(1, ExitCodes.Failure);
        Assert.AreEqual(2, ExitCodes.Usage);
        Assert.AreEqual(75, ExitCodes.Busy);
        Assert.AreEqual(130, ExitCodes.Cancelled);
    }

    [TestMethod]
    public async Task Help_OfEveryCommand_NamesNoRepositoryInternalPath()
    {
        foreach (string[] command in EveryCommand())
        {
            string[] args = [.. command, "--help"];
            var (exit, stdout, stderr) = await CliRunner.RunAsync(args);

            Assert.AreEqual(0, exit, $"{string.Join(' ', args)}: {stderr}");
            Assert.DoesNotContain("../shared", stdout, string.Join(' ', args));
            Assert.DoesNotContain("shared/data", stdout, string.Join(' ', args));
        }
    }

    [TestMethod]
    public async Task Help_Train_StatesTheLearningRateItUses()
    {
        var (_, stdout, _) = await CliRunner.RunAsync("train", "--help");
        string flat = string.Join(' ', stdout.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var c = CultureInfo.InvariantCulture;

        // The defaults come from the ground-truth protocol, the one place that owns them.
        StringAssert.Contains(flat, string.Create(c, $"SGD lr {GroundTruthProtocol.LearningRate}, batch {GroundTruthProtocol.BatchSize}, {GroundTruthProtocol.DefaultSteps} steps"));
        StringAssert.Contains(flat, string.Create(c, $"Default {GroundTruthProtocol.LearningRate} (the protocol's"));
        StringAssert.Contains(flat, string.Create(c, $"Default {GroundTruthProtocol.TrainSamples:N0}"));
        Assert.DoesNotContain("lr 1e-3, batch 64, as the authors", flat);
    }

    [TestMethod]
    public async Task Help_Sweep_QuickPresetClaimsWhatItsDescriptionSays()
    {
        var (_, stdout, _) = await CliRunner.RunAsync("sweep", "--help");
        string flat = string.Join(' ', stdout.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

        Assert.DoesNotContain("~2 min", flat);
        StringAssert.Contains(flat, Entropy.MLNet.Sweep.SweepPreset.Quick.Description);
    }

    /// <summary>The argument path of every command and sub-command ([] for the root).</summary>
    internal static IEnumerable<string[]> EveryCommand()
    {
        static IEnumerable<string[]> Walk(Command command, string[] path)
        {
            yield return path;
            foreach (Command sub in command.Subcommands)
            {
                foreach (string[] p in Walk(sub, [.. path, sub.Name]))
                {
                    yield return p;
                }
            }
        }
        return Walk(EntropyCli.Build(), []);
    }

    private static int[] Codes(string markdown)
        => [.. Regex.Matches(markdown, @"^\| (\d+) \|", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    /// <summary>A file of the repository, found above the test binaries next to the solution.</summary>
    internal static string RepositoryFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Entropy.MLNet.sln")))
            {
                return File.ReadAllText(Path.Combine(dir.FullName, relativePath));
            }
        }
        throw new AssertFailedException($"{relativePath} not found above {AppContext.BaseDirectory}");
    }

    internal static string Readme() => RepositoryFile("README.md");

    /// <summary>The README's table that follows the line starting with <paramref name="heading"/>.</summary>
    internal static string ReadmeSection(string heading)
    {
        string readme = Readme();
        int start = readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, start, $"README has no '{heading}'");
        int table = readme.IndexOf("\n|", start, StringComparison.Ordinal);
        int end = readme.IndexOf("\n\n", table, StringComparison.Ordinal);
        return readme[table..(end < 0 ? readme.Length : end)];
    }
}
