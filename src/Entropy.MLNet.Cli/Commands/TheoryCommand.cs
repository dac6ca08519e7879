using System.CommandLine;
using System.Globalization;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Theory;
using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Cli.Commands;

/// <summary>
/// <c>entropy theory</c>: mean-field quantities (q*, χ_1, c*, χ_c, ξ_q, ξ_c, 6ξ_c, phase) for one (σ_w², σ_b²) point, or
/// the critical σ_w² plus a table over a σ_w² range. JSON writes infinite depth scales as the named literal "Infinity".
/// </summary>
internal static class TheoryCommand
{
    private const string DefaultRange = "0.5:4.0:0.25";

    public static Command Create()
    {
        var format = CommonOptions.Format();
        var activation = new Option<string>("--activation")
        {
            Description = $"Activation: {string.Join(", ", MeanFieldActivation.BuiltIn.Select(a => a.Name))} (erf means erf(sqrt(pi)/2 x)).",
            DefaultValueFactory = _ => "tanh",
        };
        var sigmaB2 = new Option<double>("--sigma-b2")
        {
            Description = "Bias variance sigma_b^2 (>= 0).",
            DefaultValueFactory = _ => ProbeDefaults.Mlp.SigmaB2,
        };
        var sigmaW2 = new Option<double?>("--sigma-w2")
        {
            Description = "Weight variance sigma_w^2 (> 0). Omit it for the critical point and a table over --range.",
        };
        var range = new Option<string?>("--range")
        {
            Description = $"sigma_w^2 values for the table: start:stop:step (inclusive) or a comma list. Default {DefaultRange}.",
        };
        var depth = new Option<int?>("--depth")
        {
            Description = "Also report the sigma_w^2 band where 6 xi_c >= this depth (the mean-field trainable band).",
        };
        var command = new Command("theory",
            "Mean-field theory (Poole et al. 2016, Schoenholz et al. 2017): fixed point q*, chi_1, c*, chi_c, depth scales xi_q and xi_c, " +
            "6 xi_c, phase and the critical sigma_w^2. Infinite depth scales print as inf (text) and \"Infinity\" (json).\n" +
            "Example: entropy theory --activation tanh --sigma-b2 0.05 --range 0.5:4.0:0.1 --depth 100")
        {
            activation, sigmaB2, sigmaW2, range, depth, format,
        };
        CliAction.Set(command, format, (parse, output, ct) =>
        {
            var settings = Validate(parse.GetValue(activation), parse.GetValue(sigmaB2), parse.GetValue(sigmaW2), parse.GetValue(range),
                parse.GetValue(depth));
            var theory = new MeanFieldTheory(settings.Activation);
            double critical = theory.CriticalSigmaW2(settings.SigmaB2);
            BandResult? band = null;
            if (settings.Depth is int l)
            {
                var b = theory.TrainableBand(l, settings.SigmaB2);
                band = new BandResult(b.Depth, b.Lower, b.Upper, MeanFieldTheory.DefaultMaxSigmaW2);
            }
            // One point or a range: the same document, with one row per sigma_w^2 (issue 13: one shape per concept).
            IReadOnlyList<double> points = settings.SigmaW2 is double w ? [w] : settings.Range!.Values;
            var rows = new List<DepthScale>();
            foreach (double value in points)
            {
                ct.ThrowIfCancellationRequested();
                rows.Add(theory.Evaluate(value, settings.SigmaB2));
            }
            var result = new TheoryResult(settings.Activation.Name, settings.SigmaB2, critical, band, theory.Quadrature.Count, rows);
            output.Write(result, writer => WriteText(writer, settings, critical, rows, band, theory.Quadrature.Count));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    internal static Settings Validate(string? activationName, double sigmaB2, double? sigmaW2, string? rangeText, int? depth)
    {
        if (!MeanFieldActivation.TryFromName(activationName, out var activation))
        {
            throw new ArgumentException($"--activation: {MeanFieldActivation.UnknownNameMessage(activationName)}", nameof(activationName));
        }
        if (!(sigmaB2 >= 0) || !double.IsFinite(sigmaB2))
        {
            throw new ArgumentException($"--sigma-b2 must be non-negative and finite, got {Format(sigmaB2)}.", nameof(sigmaB2));
        }
        if (depth is < 1)
        {
            throw new ArgumentException($"--depth must be at least 1, got {depth}.", nameof(depth));
        }
        if (sigmaW2 is double w)
        {
            if (!(w > 0) || !double.IsFinite(w))
            {
                throw new ArgumentException($"--sigma-w2 must be positive and finite, got {Format(w)}.", nameof(sigmaW2));
            }
            if (rangeText is not null)
            {
                throw new ArgumentException("--range cannot be combined with --sigma-w2; give one point or a range.", nameof(rangeText));
            }
            return new Settings(activation, sigmaB2, w, null, depth);
        }
        var range = SigmaRange.Parse(rangeText ?? DefaultRange, "--range");
        double first = range.Values[0];
        if (!(first > 0))
        {
            throw new ArgumentException($"--range: every sigma_w^2 must be positive, got {Format(first)} in '{range.Text}'.", nameof(rangeText));
        }
        return new Settings(activation, sigmaB2, null, range, depth);
    }

    private static void WriteText(TextWriter writer, Settings settings, double critical, IReadOnlyList<DepthScale> rows, BandResult? band,
        int nodes)
    {
        writer.WriteLine($"Mean-field theory: {settings.Activation.Name}, sigma_b^2 = {Format(settings.SigmaB2)} (Gauss-Hermite, {nodes} nodes)");
        writer.WriteLine($"Critical sigma_w^2 = {critical.ToString("F6", CultureInfo.InvariantCulture)}");
        if (band is not null)
        {
            string upper = double.IsPositiveInfinity(band.Upper)
                ? $"inf (6 xi_c >= {band.Depth} up to the search limit {Format(band.SearchLimit)})"
                : band.Upper.ToString("F4", CultureInfo.InvariantCulture);
            writer.WriteLine($"Trainable band for depth {band.Depth} (6 xi_c >= {band.Depth}): sigma_w^2 in [{band.Lower.ToString("F4", CultureInfo.InvariantCulture)}, {upper}]");
        }
        writer.WriteLine();
        string[] header = ["sigma_w^2", "q*", "chi_1", "c*", "chi_c", "xi_q", "xi_c", "6 xi_c", "phase"];
        var table = new List<string[]> { header };
        foreach (var row in rows)
        {
            table.Add([
                row.SigmaW2.ToString("0.00##########", CultureInfo.InvariantCulture), Fixed(row.QStar, 6), Fixed(row.Chi1, 6), Fixed(row.CStar, 6), Fixed(row.ChiC, 6),
                Fixed(row.XiQ, 3), Fixed(row.XiC, 3), Fixed(row.SixXiC, 2), row.Phase.ToString().ToLowerInvariant(),
            ]);
        }
        int[] widths = Enumerable.Range(0, header.Length).Select(c => table.Max(r => r[c].Length)).ToArray();
        foreach (var cells in table)
        {
            // Numbers right-aligned, the phase word left-aligned.
            var parts = cells.Select((cell, c) => c == cells.Length - 1 ? cell : cell.PadLeft(widths[c]));
            writer.WriteLine(string.Join("  ", parts).TrimEnd());
        }
    }

    private static string Fixed(double value, int digits) => double.IsPositiveInfinity(value) ? "inf"
        : double.IsNaN(value) ? "nan"
        : value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal sealed record Settings(MeanFieldActivation Activation, double SigmaB2, double? SigmaW2, SigmaRange? Range, int? Depth);

    /// <summary>The 6ξ_c band; <c>upper</c> is "Infinity" when 6ξ_c ≥ depth up to <c>searchLimit</c>.</summary>
    internal sealed record BandResult(int Depth, double Lower, double Upper, double SearchLimit);

    /// <summary>The JSON document of <c>entropy theory</c>: one row per sigma_w^2 in <c>configurations</c>, for one point or a range.</summary>
    internal sealed record TheoryResult(
        string Activation,
        double SigmaB2,
        double CriticalSigmaW2,
        BandResult? TrainableBand,
        int QuadratureNodes,
        IReadOnlyList<DepthScale> Configurations);
}
