using System.CommandLine;
using System.CommandLine.Parsing;

namespace Entropy.MLNet.Cli.Infrastructure;

/// <summary>
/// A command line that does not parse gets one line on stderr (every parse error, then where the help is) and
/// <see cref="ExitCodes.Usage"/>, instead of System.CommandLine's default of the whole help on stdout: stdout stays
/// empty, so a <c>--format json</c> pipeline never reads help text as its document.
/// </summary>
internal static class UsageErrors
{
    /// <summary>Writes the errors of <paramref name="parse"/> and returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int Report(ParseResult parse, TextWriter stderr)
    {
        string command = CommandPath(parse.CommandResult);
        string errors = string.Join(" ", parse.Errors.Select(e => Sentence(e.Message)).Distinct(StringComparer.Ordinal));
        string hint = string.Concat(parse.UnmatchedTokens.Select(t => Suggest(t, parse.CommandResult.Command) is { } s ? $" Did you mean '{s}'?" : string.Empty));
        stderr.WriteLine($"{command}: error: {errors}{hint} Try '{command} --help'.");
        return ExitCodes.Usage;
    }

    /// <summary>"entropy" followed by the sub-command names, whatever the executable is called (a tool, dotnet run, a test host).</summary>
    internal static string CommandPath(CommandResult result)
    {
        var names = new Stack<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult { Command: not RootCommand } c)
            {
                names.Push(c.Command.Name);
            }
        }
        names.Push("entropy");
        return string.Join(' ', names);
    }

    /// <summary>The sub-command or option of <paramref name="command"/> a mistyped token most likely meant (at most two edits away).</summary>
    internal static string? Suggest(string token, Command command)
    {
        IEnumerable<string> names = command.Subcommands.Select(c => c.Name)
            .Concat(command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)));
        return names
            .Select(name => (name, distance: Distance(token, name)))
            .Where(c => c.distance <= Math.Min(2, c.name.Length / 3))
            .OrderBy(c => c.distance)
            .ThenBy(c => c.name, StringComparer.Ordinal)
            .Select(c => c.name)
            .FirstOrDefault();
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions).</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>One sentence on one line: System.CommandLine's messages may hold tabs and line breaks (lists of choices).</summary>
    private static string Sentence(string message)
    {
        string line = string.Join(' ', message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.EndsWith('.') ? line : line + ".";
    }
}
