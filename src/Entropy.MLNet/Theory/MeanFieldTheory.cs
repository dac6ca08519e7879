using System.Globalization;

namespace Entropy.MLNet.Theory;

/// <summary>
/// Mean-field theory of signal propagation in deep random networks (Poole et al. 2016; Schoenholz et al. 2017) for one
/// activation: the variance map and its fixed point q*, χ_1, the correlation map and its fixed point c*, χ_c, the depth
/// scales ξ_q and ξ_c, the phase, the critical σ_w² for a given σ_b², and the 6ξ_c trainable-depth band.
/// </summary>
/// <remarks>
/// <para>All expectations over z ~ N(0, 1) use one Gauss–Hermite rule (default 200 nodes) for both the variance map
/// and the correlation map; mixing rules makes c_map(1) ≠ 1 and breaks the search for c* near 1. Activations with
/// kinks (<see cref="MeanFieldActivation.Breakpoints"/>: ReLU, hard tanh) instead use a piecewise Gauss–Legendre rule
/// cut at the kinks, again for both maps, because φ′ is then discontinuous and Gauss–Hermite converges slowly
/// (for hard tanh at σ_w² = 10 it overestimates χ_1 by 25 %).</para>
/// <para>Formulas (network h^ℓ = W x^{ℓ−1} + b, W ~ N(0, σ_w²/N), b ~ N(0, σ_b²)):
/// q* = σ_w²·E[φ(√q* z)²] + σ_b²;
/// χ_1 = σ_w²·E[φ′(√q* z)²];
/// c_map(c) = (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q* with u₁ = √q* z₁, u₂ = √q*(c z₁ + √(1−c²) z₂);
/// χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at c*;
/// ξ_q = −1/ln[χ_1 + σ_w²·E(φ″(√q* z)·φ(√q* z))] (the slope of the variance map at q*; when φ″ is not given it is
/// computed in the equivalent Stein form σ_w²·E[z·φ(√q* z)·φ′(√q* z)]/√q*; for ReLU φ″ = 0 almost everywhere and the
/// slope is χ_1);
/// ξ_c = −1/ln χ_c (∞ when χ_c = 1, i.e. on the critical line).</para>
/// <para>Instances are immutable and thread-safe; results depend only on the arguments.</para>
/// </remarks>
public sealed class MeanFieldTheory
{
    /// <summary>
    /// Default Gauss–Hermite node count: 200. The 100-node rule of the reference computation agrees to 1e-7 on the
    /// critical points up to σ_b² = 0.3, but at larger q (σ_b² = 1: q* ≈ 3) it is off by 3e-4 in the critical σ_w²,
    /// because φ′² = sech⁴(√q z) has poles close to the real axis; 200 nodes are converged to 1e-6 there.
    /// </summary>
    public const int DefaultQuadratureNodes = GaussHermite.DefaultNodeCount;

    /// <summary>|χ_1 − 1| at or below this counts as the critical line (ξ_c = ∞).</summary>
    public const double CriticalTolerance = 1e-9;

    /// <summary>Upper end of the bisection interval [−1, 1 − 1e-6] for c*.</summary>
    public const double CorrelationUpperBound = 1.0 - 1e-6;

    /// <summary>Default largest σ_w² searched on the chaotic side by <see cref="TrainableBand"/>.</summary>
    public const double DefaultMaxSigmaW2 = 10.0;

    // q* = 0 (dead signal) and q* = ∞ (diverging signal) are evaluated as the limits q → 0⁺ and q → ∞ at these values.
    private const double MinEvaluationQ = 1e-30;
    private const double MaxEvaluationQ = 1e30;
    private const double DivergenceQ = 1e150;
    private const int FixedPointIterations = 1000;
    private const double FixedPointTolerance = 1e-15;

    // g(1 − 1e-6) must be clearly negative (beyond quadrature rounding) for a c* below 1 − 1e-6 to count as found.
    private const double CorrelationNoise = 1e-13;

    // Nodes whose probability is below this add nothing representable to a 2-D sum; skipping them keeps the
    // correlation map cheap with large rules (they carry less than 1e-17 of the total mass).
    private const double NegligibleProbability = 1e-20;

    private readonly double[] _z;
    private readonly double[] _p;
    private readonly double[] _zPair;
    private readonly double[] _pPair;
    private readonly double[] _breakpoints;

    /// <summary>Creates the theory for <paramref name="activation"/> with a Gauss–Hermite rule of <paramref name="quadratureNodes"/> nodes.</summary>
    /// <param name="activation">The activation φ.</param>
    /// <param name="quadratureNodes">Gauss–Hermite node count (≥ 100; default <see cref="DefaultQuadratureNodes"/>).</param>
    /// <exception cref="ArgumentNullException">The activation is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The node count is outside the supported range.</exception>
    public MeanFieldTheory(MeanFieldActivation activation, int quadratureNodes = DefaultQuadratureNodes)
    {
        ArgumentNullException.ThrowIfNull(activation);
        Activation = activation;
        Quadrature = GaussHermite.Get(quadratureNodes);
        _z = Quadrature.NormalNodes.ToArray();
        _p = Quadrature.NormalProbabilities.ToArray();
        var significant = Enumerable.Range(0, _z.Length).Where(i => _p[i] >= NegligibleProbability).ToArray();
        _zPair = significant.Select(i => _z[i]).ToArray();
        _pPair = significant.Select(i => _p[i]).ToArray();
        _breakpoints = activation.Breakpoints.ToArray();
    }

    /// <summary>The theory for tanh with the default rule.</summary>
    public static MeanFieldTheory Tanh { get; } = new(MeanFieldActivation.Tanh);

    /// <summary>The activation φ.</summary>
    public MeanFieldActivation Activation { get; }

    /// <summary>The quadrature rule shared by every expectation.</summary>
    public GaussHermite Quadrature { get; }

    /// <summary>The theory for a built-in activation by name ("tanh", "relu", "hardtanh", "erf", "gelu", "linear").</summary>
    /// <param name="activation">The activation's name.</param>
    /// <exception cref="ArgumentException">Unknown activation.</exception>
    public static MeanFieldTheory ForActivation(string activation) =>
        string.Equals(activation?.Trim(), "tanh", StringComparison.OrdinalIgnoreCase) ? Tanh : new(MeanFieldActivation.FromName(activation!));

    /// <summary>The variance map q ↦ σ_w²·E[φ(√q z)²] + σ_b².</summary>
    /// <param name="q">The pre-activation variance (≥ 0).</param>
    /// <param name="sigmaW2">Weight variance σ_w² (&gt; 0).</param>
    /// <param name="sigmaB2">Bias variance σ_b² (≥ 0).</param>
    public double VarianceMap(double q, double sigmaW2, double sigmaB2)
    {
        ValidateSigmas(sigmaW2, sigmaB2);
        if (!(q >= 0) || double.IsPositiveInfinity(q))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, $"The variance q must be finite and non-negative, got {Format(q)}.");
        }
        return VarianceMapCore(q, sigmaW2, sigmaB2);
    }

    /// <summary>
    /// The fixed point q* of the variance map, by fixed-point iteration from q = 1 (relative tolerance 1e-15). When the
    /// iteration is slow (σ_w² → 1, σ_b² → 0) it is finished by bisection on map(q) − q between the last iterate and
    /// the side it is moving to. Returns 0 when q = 0 is a stable fixed point (σ_b² = 0, φ(0) = 0 and a slope ≤ 1 at 0,
    /// e.g. tanh with σ_w² ≤ 1) and ∞ when q grows without bound (e.g. ReLU with σ_w² &gt; 2).
    /// </summary>
    /// <param name="sigmaW2">Weight variance σ_w² (&gt; 0).</param>
    /// <param name="sigmaB2">Bias variance σ_b² (≥ 0).</param>
    public double FixedPointQ(double sigmaW2, double sigmaB2)
    {
        ValidateSigmas(sigmaW2, sigmaB2);
        bool zeroIsFixed = VarianceMapCore(0, sigmaW2, sigmaB2) == 0;
        // Slope of the map at 0⁺ (allowing for rounding in E[z²] = 1): at most 1 means q = 0 attracts (for a concave map).
        if (zeroIsFixed && VarianceMapCore(MinEvaluationQ, sigmaW2, sigmaB2) / MinEvaluationQ <= 1.0 + 1e-12)
        {
            return 0.0;
        }

        double q = 1.0;
        for (int iteration = 0; iteration < FixedPointIterations; iteration++)
        {
            double next = VarianceMapCore(q, sigmaW2, sigmaB2);
            if (!double.IsFinite(next) || next > DivergenceQ)
            {
                return double.PositiveInfinity;
            }
            if (next == q || Math.Abs(next - q) <= FixedPointTolerance * next)
            {
                return next;
            }
            if (zeroIsFixed && next < MinEvaluationQ)
            {
                return 0.0;
            }
            q = next;
        }
        return BisectFixedPoint(q, sigmaW2, sigmaB2);
    }

    /// <summary>χ_1 = σ_w²·E[φ′(√q* z)²], recomputing q*.</summary>
    /// <param name="sigmaW2">Weight variance σ_w² (&gt; 0).</param>
    /// <param name="sigmaB2">Bias variance σ_b² (≥ 0).</param>
    public double Chi1(double sigmaW2, double sigmaB2)
    {
        double q = EvaluationQ(FixedPointQ(sigmaW2, sigmaB2));
        return Chi1Core(q, sigmaW2);
    }

    /// <summary>
    /// The correlation map c ↦ (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q at variance q, with u₁ = √q z₁ and
    /// u₂ = √q(c z₁ + √(1−c²) z₂). The denominator is the variance map at q, which equals q at the fixed point q*
    /// (and makes c_map(1) = 1 to rounding for any q).
    /// </summary>
    /// <param name="c">The input correlation, in [−1, 1].</param>
    /// <param name="q">The variance (usually q*; &gt; 0).</param>
    /// <param name="sigmaW2">Weight variance σ_w² (&gt; 0).</param>
    /// <param name="sigmaB2">Bias variance σ_b² (≥ 0).</param>
    public double CorrelationMap(double c, double q, double sigmaW2, double sigmaB2)
    {
        ValidateSigmas(sigmaW2, sigmaB2);
        if (!(c >= -1.0 && c <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(c), c, $"The correlation c must lie in [-1, 1], got {Format(c)}.");
        }
        if (!(q > 0) || double.IsPositiveInfinity(q))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, $"The variance q must be positive and finite, got {Format(q)}.");
        }
        return new CorrelationMapAt(this, q, sigmaW2, sigmaB2).Map(c);
    }

    /// <summary>Every mean-field quantity at (σ_w², σ_b²).</summary>
    /// <param name="sigmaW2">Weight variance σ_w² (&gt; 0).</param>
    /// <param name="sigmaB2">Bias variance σ_b² (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">σ_w² ≤ 0 or not finite, or σ_b² &lt; 0 or not finite.</exception>
    public DepthScale Evaluate(double sigmaW2, double sigmaB2)
    {
        double qStar = FixedPointQ(sigmaW2, sigmaB2);
        double q = EvaluationQ(qStar);
        double chi1 = Chi1Core(q, sigmaW2);
        double xiQ = DepthFromSlope(VarianceSlope(q, sigmaW2, chi1));
        MeanFieldPhase phase = Math.Abs(chi1 - 1.0) <= CriticalTolerance ? MeanFieldPhase.Critical
            : chi1 < 1.0 ? MeanFieldPhase.Ordered : MeanFieldPhase.Chaotic;

        double cStar = 1.0;
        double chiC = chi1;
        double xiC = phase == MeanFieldPhase.Critical ? double.PositiveInfinity : DepthFromSlope(chi1);
        if (phase == MeanFieldPhase.Chaotic)
        {
            var map = new CorrelationMapAt(this, q, sigmaW2, sigmaB2);
            if (map.TryFindStableFixedPoint(out double c))
            {
                cStar = c;
                chiC = map.Slope(c);
                // |χ_c| governs the decay; χ_c ≥ 1 means no contraction, so no finite depth scale.
                xiC = DepthFromSlope(Math.Abs(chiC));
            }
            else
            {
                // No fixed point resolvable below 1 − 1e-6: within ~1e-6 of the critical line, or a map with no stable
                // c* < 1 at all (linear, or ReLU once q* diverges). Correlations then do not relax exponentially.
                xiC = double.PositiveInfinity;
            }
        }
        return new DepthScale(sigmaW2, sigmaB2, qStar, chi1, cStar, chiC, xiQ, xiC, phase);
    }

    /// <summary>
    /// The critical σ_w² where χ_1 = 1 at bias variance <paramref name="sigmaB2"/>, by bisection on χ_1(σ_w²) − 1
    /// (recomputing q* at every step) to a relative width of 1e-13.
    /// </summary>
    /// <param name="sigmaB2">Bias variance σ_b² (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">σ_b² &lt; 0 or not finite.</exception>
    /// <exception cref="InvalidOperationException">χ_1 does not cross 1 for σ_w² in (1e-6, 1e6].</exception>
    public double CriticalSigmaW2(double sigmaB2)
    {
        ValidateSigmas(1.0, sigmaB2);
        double lo = 1e-6;
        if (Chi1(lo, sigmaB2) >= 1.0)
        {
            throw new InvalidOperationException(
                $"{Activation.Name}: chi_1 >= 1 already at sigma_w^2 = {Format(lo)} (sigma_b^2 = {Format(sigmaB2)}); no critical point.");
        }
        double hi = 1.0;
        while (Chi1(hi, sigmaB2) < 1.0)
        {
            lo = hi;
            hi *= 2.0;
            if (hi > 1e6)
            {
                throw new InvalidOperationException(
                    $"{Activation.Name}: chi_1 stays below 1 up to sigma_w^2 = 1e6 (sigma_b^2 = {Format(sigmaB2)}); no critical point.");
            }
        }
        for (int iteration = 0; iteration < 200 && hi - lo > 1e-13 * hi; iteration++)
        {
            double mid = 0.5 * (lo + hi);
            if (Chi1(mid, sigmaB2) < 1.0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// The σ_w² interval where 6ξ_c ≥ <paramref name="depth"/>, found by bisection (to 1e-7) on each side of the critical
    /// point: ξ_c rises towards the critical point through the ordered phase and falls again in the chaotic phase.
    /// </summary>
    /// <param name="depth">The network depth L (≥ 1).</param>
    /// <param name="sigmaB2">Bias variance σ_b² (≥ 0).</param>
    /// <param name="maxSigmaW2">Largest σ_w² searched on the chaotic side; when 6ξ_c ≥ L still holds there the upper end is ∞.</param>
    /// <exception cref="ArgumentOutOfRangeException">depth &lt; 1, σ_b² invalid, or <paramref name="maxSigmaW2"/> not above the critical point.</exception>
    public TrainableDepthBand TrainableBand(int depth, double sigmaB2, double maxSigmaW2 = DefaultMaxSigmaW2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        double critical = CriticalSigmaW2(sigmaB2);
        if (!(maxSigmaW2 > critical) || !double.IsFinite(maxSigmaW2))
        {
            throw new ArgumentOutOfRangeException(nameof(maxSigmaW2), maxSigmaW2,
                $"The search limit must be finite and above the critical sigma_w^2 {Format(critical)}, got {Format(maxSigmaW2)}.");
        }
        bool Trains(double sigmaW2) => Evaluate(sigmaW2, sigmaB2).SixXiC >= depth;
        const double Tolerance = 1e-7;

        double lo = 1e-6;
        double hi = critical;
        double lower;
        if (Trains(lo))
        {
            lower = lo;
        }
        else
        {
            while (hi - lo > Tolerance)
            {
                double mid = 0.5 * (lo + hi);
                if (Trains(mid))
                {
                    hi = mid;
                }
                else
                {
                    lo = mid;
                }
            }
            lower = hi;
        }

        double upper;
        if (Trains(maxSigmaW2))
        {
            upper = double.PositiveInfinity;
        }
        else
        {
            lo = critical;
            hi = maxSigmaW2;
            while (hi - lo > Tolerance)
            {
                double mid = 0.5 * (lo + hi);
                if (Trains(mid))
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }
            upper = lo;
        }
        return new TrainableDepthBand(depth, sigmaB2, lower, upper, critical);
    }

    /// <summary>Evaluates every σ_w² in <paramref name="sigmaW2Values"/> at bias variance <paramref name="sigmaB2"/>.</summary>
    /// <param name="sigmaW2Values">Weight variances (each &gt; 0).</param>
    /// <param name="sigmaB2">Bias variance σ_b² (≥ 0).</param>
    public IReadOnlyList<DepthScale> Table(IEnumerable<double> sigmaW2Values, double sigmaB2)
    {
        ArgumentNullException.ThrowIfNull(sigmaW2Values);
        return sigmaW2Values.Select(w => Evaluate(w, sigmaB2)).ToArray();
    }

    /// <summary>−1/ln s for a contraction factor s: 0 for s ≤ 0, ∞ for s ≥ 1.</summary>
    internal static double DepthFromSlope(double slope) =>
        slope <= 0 ? 0.0 : slope >= 1.0 ? double.PositiveInfinity : -1.0 / Math.Log(slope);

    internal static void ValidateSigmas(double sigmaW2, double sigmaB2)
    {
        if (!(sigmaW2 > 0) || !double.IsFinite(sigmaW2))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaW2), sigmaW2,
                $"sigma_w^2 must be positive and finite, got {Format(sigmaW2)}.");
        }
        if (!(sigmaB2 >= 0) || !double.IsFinite(sigmaB2))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaB2), sigmaB2,
                $"sigma_b^2 must be non-negative and finite, got {Format(sigmaB2)}.");
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static double EvaluationQ(double qStar) => Math.Clamp(qStar, MinEvaluationQ, MaxEvaluationQ);

    /// <summary>
    /// The 1-D rule for integrands in u = √q z: Gauss–Hermite for smooth φ; for φ with kinks, the piecewise rule cut
    /// where u crosses a breakpoint.
    /// </summary>
    private (double[] Z, double[] P) Nodes1D(double q)
    {
        if (_breakpoints.Length == 0)
        {
            return (_z, _p);
        }
        double root = Math.Sqrt(q);
        Span<double> cuts = stackalloc double[_breakpoints.Length];
        for (int k = 0; k < cuts.Length; k++)
        {
            cuts[k] = _breakpoints[k] / root;
        }
        var z = new List<double>();
        var p = new List<double>();
        PiecewiseNormalRule.Build(cuts, z, p);
        return (z.ToArray(), p.ToArray());
    }

    private double VarianceMapCore(double q, double sigmaW2, double sigmaB2)
    {
        var phi = Activation.Function;
        double root = Math.Sqrt(q);
        var (z, p) = Nodes1D(q);
        double sum = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double value = phi(root * z[i]);
            sum += p[i] * value * value;
        }
        return sigmaW2 * sum + sigmaB2;
    }

    private double Chi1Core(double q, double sigmaW2)
    {
        var derivative = Activation.Derivative;
        double root = Math.Sqrt(q);
        var (z, p) = Nodes1D(q);
        double sum = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double value = derivative(root * z[i]);
            sum += p[i] * value * value;
        }
        return sigmaW2 * sum;
    }

    /// <summary>d(variance map)/dq at q: χ_1 + σ_w²·E[φ″φ], or the Stein form σ_w²·E[z·φ·φ′]/√q when φ″ is not given.</summary>
    private double VarianceSlope(double q, double sigmaW2, double chi1)
    {
        var phi = Activation.Function;
        double root = Math.Sqrt(q);
        var (z, p) = Nodes1D(q);
        double sum = 0;
        if (Activation.SecondDerivative is { } second)
        {
            for (int i = 0; i < z.Length; i++)
            {
                double u = root * z[i];
                sum += p[i] * second(u) * phi(u);
            }
            return chi1 + sigmaW2 * sum;
        }
        var derivative = Activation.Derivative;
        for (int i = 0; i < z.Length; i++)
        {
            double u = root * z[i];
            sum += p[i] * z[i] * phi(u) * derivative(u);
        }
        return sigmaW2 * sum / root;
    }

    /// <summary>Bisection on map(q) − q when plain iteration is slow; <paramref name="q"/> is the last iterate.</summary>
    private double BisectFixedPoint(double q, double sigmaW2, double sigmaB2)
    {
        double h = VarianceMapCore(q, sigmaW2, sigmaB2) - q;
        if (h == 0)
        {
            return q;
        }
        double lo;
        double hi;
        if (h < 0)
        {
            // Moving down: map(0) − 0 ≥ 0, so a root lies in [0, q].
            lo = 0;
            hi = q;
        }
        else
        {
            lo = q;
            hi = 2 * q;
            while (VarianceMapCore(hi, sigmaW2, sigmaB2) - hi >= 0)
            {
                lo = hi;
                hi *= 2;
                if (hi > DivergenceQ)
                {
                    return double.PositiveInfinity;
                }
            }
        }
        for (int iteration = 0; iteration < 2000 && hi - lo > FixedPointTolerance * hi; iteration++)
        {
            double mid = 0.5 * (lo + hi);
            if (VarianceMapCore(mid, sigmaW2, sigmaB2) - mid >= 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        double root = 0.5 * (lo + hi);
        return root < MinEvaluationQ && VarianceMapCore(0, sigmaW2, sigmaB2) == 0 ? 0.0 : root;
    }

    /// <summary>The correlation map at a fixed variance, with φ(u₁) precomputed on the node grid.</summary>
    private readonly struct CorrelationMapAt
    {
        private readonly MeanFieldTheory _theory;
        private readonly double _root;
        private readonly double _sigmaW2;
        private readonly double _sigmaB2;
        private readonly double[] _z1;
        private readonly double[] _p1;
        private readonly double[] _phi1;
        private readonly double[] _dphi1;
        private readonly double _normaliser;

        public CorrelationMapAt(MeanFieldTheory theory, double q, double sigmaW2, double sigmaB2)
        {
            _theory = theory;
            _root = Math.Sqrt(q);
            _sigmaW2 = sigmaW2;
            _sigmaB2 = sigmaB2;
            (_z1, _p1) = theory._breakpoints.Length == 0 ? (theory._zPair, theory._pPair) : theory.Nodes1D(q);
            int n = _z1.Length;
            _phi1 = new double[n];
            _dphi1 = new double[n];
            for (int i = 0; i < n; i++)
            {
                double u = _root * _z1[i];
                _phi1[i] = theory.Activation.Function(u);
                _dphi1[i] = theory.Activation.Derivative(u);
            }
            _normaliser = theory.VarianceMapCore(q, sigmaW2, sigmaB2);
        }

        public double Map(double c) => (_sigmaW2 * Pair(c, _phi1, _theory.Activation.Function) + _sigmaB2) / _normaliser;

        /// <summary>χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at c.</summary>
        public double Slope(double c) => _sigmaW2 * Pair(c, _dphi1, _theory.Activation.Derivative);

        /// <summary>
        /// Bisection on g(c) = c_map(c) − c over [−1, 1 − 1e-6]: g ≥ 0 below c*, g &lt; 0 between c* and 1. A coarse scan
        /// first brackets the first downward crossing, because for activations with kinks (hard tanh) the quadrature
        /// cannot resolve the map within ~1e-2 of c = 1 and g turns spuriously positive there.
        /// </summary>
        public bool TryFindStableFixedPoint(out double cStar)
        {
            const int ScanIntervals = 32;
            double lo = -1.0;
            double hi = double.NaN;
            for (int k = 1; k <= ScanIntervals; k++)
            {
                double c = k == ScanIntervals ? CorrelationUpperBound : -1.0 + k * (1.0 + CorrelationUpperBound) / ScanIntervals;
                double g = Map(c) - c;
                // The last point must be clearly negative: near the critical line g(1 − 1e-6) is within rounding of 0.
                if (k == ScanIntervals ? g < -CorrelationNoise : g < 0)
                {
                    hi = c;
                    break;
                }
                lo = c;
            }
            if (double.IsNaN(hi))
            {
                cStar = 1.0;
                return false;
            }
            for (int iteration = 0; iteration < 200 && hi - lo > 1e-15; iteration++)
            {
                double mid = 0.5 * (lo + hi);
                if (Map(mid) - mid > 0)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }
            cStar = 0.5 * (lo + hi);
            return true;
        }

        /// <summary>E[a(u₁)·f(u₂)] with a(u₁) tabulated on the nodes.</summary>
        private double Pair(double c, double[] first, Func<double, double> second)
        {
            double s = Math.Sqrt(Math.Max(0.0, 1.0 - c * c));
            double[] breakpoints = _theory._breakpoints;
            double[] z2 = _theory._zPair;
            double[] p2 = _theory._pPair;
            List<double>? zInner = null;
            List<double>? pInner = null;
            Span<double> cuts = stackalloc double[breakpoints.Length];
            if (breakpoints.Length > 0)
            {
                zInner = [];
                pInner = [];
            }
            double sum = 0;
            for (int i = 0; i < _z1.Length; i++)
            {
                double z1 = _z1[i];
                double shift = _root * c * z1;
                if (zInner is not null && pInner is not null)
                {
                    // u₂ = √q(c z₁ + s z₂) crosses breakpoint b at z₂ = (b/√q − c z₁)/s.
                    int count = 0;
                    if (s > 0)
                    {
                        foreach (double b in breakpoints)
                        {
                            cuts[count++] = (b / _root - c * z1) / s;
                        }
                    }
                    PiecewiseNormalRule.Build(cuts[..count], zInner, pInner);
                    double innerKinked = 0;
                    for (int j = 0; j < zInner.Count; j++)
                    {
                        innerKinked += pInner[j] * second(shift + _root * s * zInner[j]);
                    }
                    sum += _p1[i] * first[i] * innerKinked;
                    continue;
                }
                double inner = 0;
                for (int j = 0; j < z2.Length; j++)
                {
                    inner += p2[j] * second(shift + _root * s * z2[j]);
                }
                sum += _p1[i] * first[i] * inner;
            }
            return sum;
        }
    }
}
