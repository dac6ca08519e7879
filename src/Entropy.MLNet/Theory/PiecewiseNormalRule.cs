namespace Entropy.MLNet.Theory;

/// <summary>
/// Expectations over z ~ N(0, 1) for integrands with kinks or jumps at known points (hard tanh, ReLU): the line is cut
/// at those points and into fixed panels over [−10, 10], and each piece is integrated with 32-point Gauss–Legendre
/// against the normal density. Gauss–Hermite converges only slowly for such integrands (φ′ of hard tanh is an
/// indicator), while on each smooth piece this rule is exact to rounding.
/// </summary>
internal static class PiecewiseNormalRule
{
    /// <summary>Half-width of the integration range; the normal mass beyond ±10 is 1.5e-23.</summary>
    public const double Limit = 10.0;

    private const int PointsPerPiece = 32;
    private const int Panels = 8;

    private static readonly (double[] Nodes, double[] Weights) Legendre = GaussLegendre(PointsPerPiece);

    /// <summary>Appends nodes z and probabilities p for E[f(z)] to the lists, with extra cuts at <paramref name="cuts"/>.</summary>
    public static void Build(ReadOnlySpan<double> cuts, List<double> z, List<double> p)
    {
        z.Clear();
        p.Clear();
        Span<double> edges = stackalloc double[Panels + 1 + cuts.Length];
        int count = 0;
        for (int k = 0; k <= Panels; k++)
        {
            edges[count++] = -Limit + 2.0 * Limit * k / Panels;
        }
        foreach (double cut in cuts)
        {
            if (cut > -Limit && cut < Limit)
            {
                edges[count++] = cut;
            }
        }
        edges = edges[..count];
        edges.Sort();
        double norm = 1.0 / Math.Sqrt(2.0 * Math.PI);
        for (int k = 0; k + 1 < edges.Length; k++)
        {
            double a = edges[k];
            double b = edges[k + 1];
            if (b - a <= 0)
            {
                continue;
            }
            double half = 0.5 * (b - a);
            double mid = 0.5 * (a + b);
            for (int j = 0; j < PointsPerPiece; j++)
            {
                double x = mid + half * Legendre.Nodes[j];
                z.Add(x);
                p.Add(half * Legendre.Weights[j] * norm * Math.Exp(-0.5 * x * x));
            }
        }
    }

    /// <summary>Gauss–Legendre nodes and weights on [−1, 1] by Newton iteration on the Legendre recurrence.</summary>
    internal static (double[] Nodes, double[] Weights) GaussLegendre(int n)
    {
        var nodes = new double[n];
        var weights = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                double p0 = 1.0;
                double p1 = 0.0;
                for (int j = 1; j <= n; j++)
                {
                    double p2 = p1;
                    p1 = p0;
                    p0 = ((2.0 * j - 1.0) * x * p1 - (j - 1.0) * p2) / j;
                }
                derivative = n * (x * p0 - p1) / (x * x - 1.0);
                double step = p0 / derivative;
                x -= step;
                if (Math.Abs(step) <= 1e-16)
                {
                    break;
                }
            }
            nodes[i] = x;
            nodes[n - 1 - i] = -x;
            weights[i] = 2.0 / ((1.0 - x * x) * derivative * derivative);
            weights[n - 1 - i] = weights[i];
        }
        return (nodes, weights);
    }
}
