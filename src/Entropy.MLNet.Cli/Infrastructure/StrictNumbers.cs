using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Entropy.MLNet.Cli.Infrastructure;

/// <summary>
/// Makes every floating-point option of the command line parse strictly and invariantly. System.CommandLine's default
/// accepts thousands separators, so <c>--sigma-w2 1,5</c> would silently mean 15; here a number is an optional sign,
/// digits with at most one '.', and an optional exponent (or Infinity/NaN, which the commands' own checks reject).
/// Applied once to the whole tree, so that a new option cannot miss it.
/// </summary>
internal static class StrictNumbers
{
    /// <summary>Number styles accepted: no thousands separators, no currency, no surrounding spaces.</summary>
    private const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    /// <summary>Sets the strict parser on every <c>double</c> and <c>double?</c> option under <paramref name="command"/>.</summary>
    public static void Apply(Command command)
    {
        foreach (Option option in command.Options)
        {
            switch (option)
            {
                case Option<double> required:
                    required.CustomParser = result => Parse(result) ?? default;
                    break;
                case Option<double?> optional:
                    optional.CustomParser = Parse;
                    break;
            }
        }
        foreach (Command sub in command.Subcommands)
        {
            Apply(sub);
        }
    }

    /// <summary>Parses one number with the invariant culture; null with an error added when it is not one.</summary>
    internal static double? Parse(ArgumentResult result)
    {
        string name = result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;
        if (result.Tokens.Count != 1)
        {
            result.AddError($"{name}: expected one number.");
            return null;
        }
        string token = result.Tokens[0].Value;
        if (double.TryParse(token, Styles, CultureInfo.InvariantCulture, out double value))
        {
            return value;
        }
        result.AddError($"{name}: '{token}' is not a number; write numbers with a '.' for decimals and no thousands separators (e.g. 1.5 or 2e-3).");
        return null;
    }
}
