using System.Globalization;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// A list of variances (σ_w² or σ_b²) given on the command line either as a range "start:stop:step" (both ends
/// inclusive; e.g. "0.5:4.0:0.1") or as a comma list ("0.5,1,1.76"). Values are computed in decimal arithmetic, so
/// "0.5:4.0:0.1" yields exactly 0.5, 0.6, …, 4.0 (as the doubles nearest those decimals), with no drift.
/// </summary>
public sealed class SigmaRange
{
    /// <summary>The most values a range may expand to (guards against a tiny step allocating huge grids).</summary>
    public const int MaxCount = 100_000;

    private readonly double[] _values;

    private SigmaRange(string text, double[] values)
    {
        Text = text;
        _values = values;
    }

    /// <summary>The values in ascending order, without duplicates.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>The number of values.</summary>
    public int Count => _values.Length;

    /// <summary>The text the range was parsed from (trimmed).</summary>
    public string Text { get; }

    /// <summary>
    /// Parses "start:stop:step" (ascending, step &gt; 0, stop included when the grid reaches it) or a comma list of
    /// numbers (sorted ascending; duplicates rejected). Numbers use the invariant culture ('.' decimal point; exponents allowed).
    /// </summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="argument">The option or argument name used in error messages (e.g. "--sigma-w2").</param>
    /// <exception cref="ArgumentException">Empty text, an unparseable or non-finite number, a descending range, a step ≤ 0, a duplicate, or more than <see cref="MaxCount"/> values.</exception>
    public static SigmaRange Parse(string text, string argument = "range")
    {
        ArgumentNullException.ThrowIfNull(argument);
        string trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new ArgumentException($"{argument}: empty; expected start:stop:step (e.g. 0.5:4.0:0.1) or a comma list (e.g. 0.5,1,1.76).", argument);
        }
        double[] values = trimmed.Contains(':', StringComparison.Ordinal) ? ParseRange(trimmed, argument) : ParseList(trimmed, argument);
        return new SigmaRange(trimmed, values);
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="range">The parsed range, or null.</param>
    public static bool TryParse(string? text, out SigmaRange? range)
    {
        try
        {
            range = Parse(text ?? string.Empty);
            return true;
        }
        catch (ArgumentException)
        {
            range = null;
            return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static double[] ParseRange(string text, string argument)
    {
        string[] parts = text.Split(':');
        if (parts.Length != 3)
        {
            throw new ArgumentException($"{argument}: '{text}' must have the form start:stop:step (e.g. 0.5:4.0:0.1).", argument);
        }
        decimal start = ParseNumber(parts[0], text, argument);
        decimal stop = ParseNumber(parts[1], text, argument);
        decimal step = ParseNumber(parts[2], text, argument);
        if (step <= 0)
        {
            throw new ArgumentException($"{argument}: '{text}' has step {parts[2].Trim()}; the step must be positive.", argument);
        }
        if (start > stop)
        {
            throw new ArgumentException($"{argument}: '{text}' is empty: start {parts[0].Trim()} is greater than stop {parts[1].Trim()}.", argument);
        }
        decimal intervals = decimal.Floor((stop - start) / step);
        if (intervals >= MaxCount)
        {
            throw new ArgumentException($"{argument}: '{text}' would have more than {MaxCount} values; use a larger step.", argument);
        }
        int count = (int)intervals + 1;
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (double)(start + i * step);
        }
        return values;
    }

    private static double[] ParseList(string text, string argument)
    {
        string[] parts = text.Split(',');
        if (parts.Length > MaxCount)
        {
            throw new ArgumentException($"{argument}: more than {MaxCount} values.", argument);
        }
        var values = parts.Select(p => ParseDouble(p, text, argument)).Order().ToArray();
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] == values[i - 1])
            {
                throw new ArgumentException(
                    $"{argument}: '{text}' lists {values[i].ToString("R", CultureInfo.InvariantCulture)} twice.", argument);
            }
        }
        return values;
    }

    private static double ParseDouble(string part, string text, string argument)
    {
        string trimmed = part.Trim();
        if (trimmed.Length == 0)
        {
            throw new ArgumentException($"{argument}: '{text}' has an empty number.", argument);
        }
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new ArgumentException($"{argument}: '{trimmed}' in '{text}' is not a finite number.", argument);
        }
        return value;
    }

    // Range ends and steps are decimals so that start + i·step is exact; a number decimal cannot hold to 12 digits
    // (e.g. 1e-30) is refused rather than silently rounded.
    private static decimal ParseNumber(string part, string text, string argument)
    {
        double asDouble = ParseDouble(part, text, argument);
        string trimmed = part.Trim();
        if (!decimal.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value)
            || Math.Abs((double)value - asDouble) > 1e-12 * Math.Abs(asDouble))
        {
            throw new ArgumentException(
                $"{argument}: '{trimmed}' in '{text}' is out of range for start:stop:step; list the values with commas instead.", argument);
        }
        return value;
    }
}
