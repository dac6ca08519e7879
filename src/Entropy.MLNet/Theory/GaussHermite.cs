using System.Collections.Concurrent;

namespace Entropy.MLNet.Theory;

/// <summary>
/// Physicists' Gauss–Hermite quadrature (weight e^{−x²}) and the expectations over standard normal variables that the
/// mean-field maps need. Nodes come from Newton iteration on the orthonormal Hermite recurrence; rules are immutable and
/// cached per node count, so every caller (the variance map and the correlation map alike) shares the same rule.
/// </summary>
public sealed class GaussHermite
{
    /// <summary>The default node count, 200 (see <see cref="MeanFieldTheory.DefaultQuadratureNodes"/> for why more than 100).</summary>
    public const int DefaultNodeCount = 200;

    /// <summary>The smallest node count accepted.</summary>
    public const int MinNodeCount = 2;

    /// <summary>The largest node count accepted (beyond it the outer weights underflow).</summary>
    public const int MaxNodeCount = 400;

    private static readonly ConcurrentDictionary<int, GaussHermite> Cache = new();

    private readonly double[] _nodes;
    private readonly double[] _weights;
    private readonly double[] _normalNodes;
    private readonly double[] _normalProbabilities;

    private GaussHermite(double[] nodes, double[] weights)
    {
        _nodes = nodes;
        _weights = weights;
        _normalNodes = new double[nodes.Length];
        _normalProbabilities = new double[nodes.Length];
        double invSqrtPi = 1.0 / Math.Sqrt(Math.PI);
        for (int i = 0; i < nodes.Length; i++)
        {
            // z = √2·x turns ∫e^{−x²}g(x)dx into √π·E_{z~N(0,1)}[g(z/√2)].
            _normalNodes[i] = Math.Sqrt(2.0) * nodes[i];
            _normalProbabilities[i] = weights[i] * invSqrtPi;
        }
        // Renormalise so that E[1] = 1 to rounding: then c_map(1) = 1 and χ_1 at q* = 0 is exactly σ_w²·φ′(0)².
        double total = 0;
        for (int i = _normalProbabilities.Length - 1; i >= 0; i--)
        {
            total += _normalProbabilities[i];
        }
        for (int i = 0; i < _normalProbabilities.Length; i++)
        {
            _normalProbabilities[i] /= total;
        }
    }

    /// <summary>Number of nodes.</summary>
    public int Count => _nodes.Length;

    /// <summary>Physicists' nodes x_i (roots of H_N), in descending order.</summary>
    public ReadOnlySpan<double> Nodes => _nodes;

    /// <summary>Physicists' weights w_i for the weight function e^{−x²}; they sum to √π.</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>Nodes for a standard normal variable: z_i = √2·x_i.</summary>
    public ReadOnlySpan<double> NormalNodes => _normalNodes;

    /// <summary>Probabilities for a standard normal variable: p_i = w_i/√π, renormalised to sum to 1 to rounding.</summary>
    public ReadOnlySpan<double> NormalProbabilities => _normalProbabilities;

    /// <summary>The rule with <paramref name="nodeCount"/> nodes, computed once per process and then shared (thread-safe).</summary>
    /// <param name="nodeCount">Number of nodes, between <see cref="MinNodeCount"/> and <see cref="MaxNodeCount"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The node count is outside the supported range.</exception>
    public static GaussHermite Get(int nodeCount = DefaultNodeCount)
    {
        if (nodeCount is < MinNodeCount or > MaxNodeCount)
        {
            throw new ArgumentOutOfRangeException(nameof(nodeCount), nodeCount,
                $"Gauss–Hermite node count must be between {MinNodeCount} and {MaxNodeCount}, got {nodeCount}.");
        }
        return Cache.GetOrAdd(nodeCount, static n => Compute(n));
    }

    /// <summary>E_{z~N(0,1)}[f(z)] ≈ Σ p_i f(z_i).</summary>
    /// <param name="f">The integrand.</param>
    public double Expect(Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double sum = 0;
        for (int i = 0; i < _normalNodes.Length; i++)
        {
            sum += _normalProbabilities[i] * f(_normalNodes[i]);
        }
        return sum;
    }

    /// <summary>E[f(z₁, z₂)] for independent standard normals z₁, z₂, by the tensor product of the 1-D rule.</summary>
    /// <param name="f">The integrand.</param>
    public double Expect2(Func<double, double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double sum = 0;
        for (int i = 0; i < _normalNodes.Length; i++)
        {
            double inner = 0;
            double z1 = _normalNodes[i];
            for (int j = 0; j < _normalNodes.Length; j++)
            {
                inner += _normalProbabilities[j] * f(z1, _normalNodes[j]);
            }
            sum += _normalProbabilities[i] * inner;
        }
        return sum;
    }

    /// <summary>
    /// Newton iteration (with deflation of the roots already found) on the orthonormal Hermite recurrence
    /// p₀ = π^{−1/4}, p_j = x·√(2/j)·p_{j−1} − √((j−1)/j)·p_{j−2}, with p_N′ = √(2N)·p_{N−1} and w = 2/(p_N′)².
    /// Starting guesses use the Airy asymptotics of the largest roots and then extrapolate from earlier roots.
    /// </summary>
    private static GaussHermite Compute(int n)
    {
        var nodes = new double[n];
        var weights = new double[n];
        double pim4 = Math.Pow(Math.PI, -0.25);
        int half = (n + 1) / 2;
        double z = 0;
        for (int i = 0; i < half; i++)
        {
            z = i < 10 ? EdgeRootGuess(n, i) : 2.0 * z - nodes[i - 2];
            double derivative = 0;
            bool converged = false;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                (double value, double previous) = Orthonormal(n, z, pim4);
                derivative = Math.Sqrt(2.0 * n) * previous;
                // Newton on p_N(z)/Π(z − x_k) over the roots already found: for large N the extrapolated guesses can
                // otherwise fall back onto a root found earlier.
                double deflation = 0;
                for (int k = 0; k < i; k++)
                {
                    deflation += 1.0 / (z - nodes[k]);
                }
                double step = value / (derivative - value * deflation);
                z -= step;
                if (Math.Abs(step) <= 1e-15 * Math.Max(1.0, Math.Abs(z)))
                {
                    converged = true;
                    break;
                }
            }
            if (!converged)
            {
                throw new InvalidOperationException($"Gauss–Hermite root {i} of {n} did not converge.");
            }
            // Weight from the derivative at the converged root (one more evaluation keeps it consistent with z).
            derivative = Math.Sqrt(2.0 * n) * Orthonormal(n, z, pim4).Previous;
            nodes[i] = z;
            nodes[n - 1 - i] = -z;
            weights[i] = 2.0 / (derivative * derivative);
            weights[n - 1 - i] = weights[i];
        }
        if (n % 2 == 1)
        {
            nodes[half - 1] = 0.0; // the middle root is exactly zero
        }
        return new GaussHermite(nodes, weights);
    }

    /// <summary>
    /// Asymptotic position of the (k+1)-th largest root near the edge of the spectrum:
    /// x ≈ √(2N+1) − 2^{−1/3}·|a_{k+1}|·(2N+1)^{−1/6}, with |a_m| the m-th Airy zero from its asymptotic series.
    /// </summary>
    private static double EdgeRootGuess(int n, int k)
    {
        double t = 3.0 * Math.PI / 8.0 * (4.0 * (k + 1) - 1.0);
        double airy = Math.Pow(t, 2.0 / 3.0) * (1.0 + 5.0 / 48.0 / (t * t));
        return Math.Sqrt(2.0 * n + 1) - Math.Pow(2.0, -1.0 / 3.0) * airy * Math.Pow(2.0 * n + 1, -1.0 / 6.0);
    }

    private static (double Value, double Previous) Orthonormal(int n, double x, double p0)
    {
        double p1 = p0;
        double p2 = 0;
        for (int j = 1; j <= n; j++)
        {
            double p3 = p2;
            p2 = p1;
            p1 = x * Math.Sqrt(2.0 / j) * p2 - Math.Sqrt((j - 1.0) / j) * p3;
        }
        return (p1, p2);
    }
}
