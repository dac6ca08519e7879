namespace Entropy.MLNet.Theory;

/// <summary>
/// A scalar activation φ for the mean-field maps, with φ′ and optionally φ″. Names match the network activations
/// ("tanh", "relu", "hardtanh", "erf", "gelu", "linear").
/// </summary>
/// <remarks>
/// φ″ is only used for ξ_q. When it is not given (or not meaningful, as for hard tanh, whose φ″ is a pair of delta
/// functions), ξ_q uses the equivalent Stein form of the variance-map slope, σ_w²·E[z·φ(√q z)·φ′(√q z)]/√q, which needs
/// only φ and φ′.
/// </remarks>
public sealed class MeanFieldActivation
{
    private static readonly double ErfScale = Math.Sqrt(Math.PI) / 2.0;

    /// <summary>Creates an activation from φ and its derivative(s).</summary>
    /// <param name="name">A short name used in tables and output.</param>
    /// <param name="function">φ(x).</param>
    /// <param name="derivative">φ′(x) (almost everywhere).</param>
    /// <param name="secondDerivative">φ″(x), or null when φ″ is not a function (then ξ_q uses the Stein form).</param>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    /// <exception cref="ArgumentNullException">φ or φ′ is null.</exception>
    /// <param name="breakpoints">Points where φ′ jumps (kinks of φ), e.g. 0 for ReLU; expectations are then split there
    /// instead of using Gauss–Hermite, which converges slowly for discontinuous integrands. Empty for smooth φ.</param>
    public MeanFieldActivation(string name, Func<double, double> function, Func<double, double> derivative,
        Func<double, double>? secondDerivative = null, IReadOnlyList<double>? breakpoints = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(derivative);
        Name = name;
        Function = function;
        Derivative = derivative;
        SecondDerivative = secondDerivative;
        Breakpoints = breakpoints?.ToArray() ?? [];
        if (Breakpoints.Any(b => !double.IsFinite(b)))
        {
            throw new ArgumentException("Breakpoints must be finite.", nameof(breakpoints));
        }
    }

    /// <summary>The activation's name.</summary>
    public string Name { get; }

    /// <summary>φ(x).</summary>
    public Func<double, double> Function { get; }

    /// <summary>φ′(x).</summary>
    public Func<double, double> Derivative { get; }

    /// <summary>φ″(x), or null when ξ_q should use the Stein form of the variance-map slope.</summary>
    public Func<double, double>? SecondDerivative { get; }

    /// <summary>Points where φ′ jumps (empty for smooth φ).</summary>
    public IReadOnlyList<double> Breakpoints { get; }

    /// <summary>tanh: φ′ = sech², φ″ = −2·tanh·sech².</summary>
    public static MeanFieldActivation Tanh { get; } = new("tanh", Math.Tanh, SechSquared, x => -2.0 * Math.Tanh(x) * SechSquared(x));

    /// <summary>ReLU max(0, x): φ′ = 1 for x &gt; 0, else 0; φ″ = 0 almost everywhere (the delta at 0 meets φ(0) = 0, so ξ_q is unaffected).</summary>
    public static MeanFieldActivation Relu { get; } = new("relu", x => x > 0 ? x : 0.0, x => x > 0 ? 1.0 : 0.0, _ => 0.0, [0.0]);

    /// <summary>Hard tanh clamp(x, −1, 1): φ′ = 1 on |x| &lt; 1; φ″ is left out (deltas at ±1), so ξ_q uses the Stein form.</summary>
    public static MeanFieldActivation HardTanh { get; } =
        new("hardtanh", x => Math.Clamp(x, -1.0, 1.0), x => Math.Abs(x) < 1.0 ? 1.0 : 0.0, null, [-1.0, 1.0]);

    /// <summary>
    /// The erf-like activation φ(x) = erf(√π/2·x): the scale makes φ′(0) = 1 like tanh (and it is within 2 % of tanh
    /// everywhere); φ′ = e^{−πx²/4}, φ″ = −(π/2)·x·e^{−πx²/4}.
    /// </summary>
    public static MeanFieldActivation Erf { get; } = new("erf",
        x => SpecialFunctions.Erf(ErfScale * x),
        x => Math.Exp(-Math.PI / 4.0 * x * x),
        x => -Math.PI / 2.0 * x * Math.Exp(-Math.PI / 4.0 * x * x));

    /// <summary>GELU x·Φ(x) (exact, not the tanh approximation): φ′ = Φ(x) + x·ϕ(x), φ″ = (2 − x²)·ϕ(x).</summary>
    public static MeanFieldActivation Gelu { get; } = new("gelu",
        x => x * SpecialFunctions.NormalCdf(x),
        x => SpecialFunctions.NormalCdf(x) + x * SpecialFunctions.NormalPdf(x),
        x => (2.0 - x * x) * SpecialFunctions.NormalPdf(x));

    /// <summary>The identity: φ′ = 1, φ″ = 0.</summary>
    public static MeanFieldActivation Linear { get; } = new("linear", x => x, _ => 1.0, _ => 0.0);

    /// <summary>The built-in activations, in the order shown to users.</summary>
    public static IReadOnlyList<MeanFieldActivation> BuiltIn { get; } = [Tanh, Relu, HardTanh, Erf, Gelu, Linear];

    /// <summary>The built-in activation called <paramref name="name"/> (case-insensitive; "hard-tanh" and "hard_tanh" also name hard tanh).</summary>
    /// <param name="name">The activation's name.</param>
    /// <exception cref="ArgumentException">No built-in activation has that name.</exception>
    public static MeanFieldActivation FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryFromName(name, out var activation) ? activation
            : throw new ArgumentException(UnknownNameMessage(name), nameof(name));
    }

    /// <summary>Looks up a built-in activation by name, as <see cref="FromName"/> does, without throwing.</summary>
    /// <param name="name">The activation's name.</param>
    /// <param name="activation">The activation, or null when the name is unknown.</param>
    public static bool TryFromName(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MeanFieldActivation? activation)
    {
        string key = (name ?? string.Empty).Trim().ToLowerInvariant().Replace("-", string.Empty, StringComparison.Ordinal)
            .Replace("_", string.Empty, StringComparison.Ordinal);
        activation = BuiltIn.FirstOrDefault(a => a.Name == key);
        return activation is not null;
    }

    /// <summary>The message for an unknown activation name, listing the built-in ones.</summary>
    /// <param name="name">The unknown name.</param>
    public static string UnknownNameMessage(string? name) =>
        $"unknown activation '{name}'; expected one of {string.Join(", ", BuiltIn.Select(a => a.Name))}.";

    /// <inheritdoc />
    public override string ToString() => Name;

    private static double SechSquared(double x)
    {
        double c = Math.Cosh(x); // overflows to ∞ for |x| > 710, giving the correct limit 0
        return 1.0 / (c * c);
    }
}
