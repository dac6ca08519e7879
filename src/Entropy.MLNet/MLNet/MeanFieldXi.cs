namespace Entropy.MLNet.MLNet;

/// <summary>
/// The mean-field correlation depth scale ξ_c of a deep tanh network (Poole et al. 2016; Schoenholz et al. 2017), as
/// the trainability components report it: q* from the variance map, χ_1 = σ_w² E[φ′(√q* z)²]; in the ordered phase
/// (χ_1 &lt; 1) ξ_c = −1/ln χ_1, in the chaotic phase the stable c* &lt; 1 of the correlation map and
/// ξ_c = −1/ln χ_c with χ_c = σ_w² E[φ′(u₁)φ′(u₂)] at c*. Expectations use one Gauss–Hermite rule throughout. Only tanh
/// is covered; other activations give NaN.
/// </summary>
internal static class MeanFieldXi
{
    private const int Nodes = 80;
    private static readonly (double[] Z, double[] W) Rule = GaussHermite(Nodes);

    /// <summary>ξ_c for (σ_w², σ_b²); +∞ on the critical line, NaN for an activation other than tanh.</summary>
    public static double XiC(double sigmaW2, double sigmaB2, string activation)
    {
        if (!string.Equals(activation, "tanh", StringComparison.OrdinalIgnoreCase) || !(sigmaW2 > 0) || !(sigmaB2 >= 0))
        {
            return double.NaN;
        }
        var (z, w) = Rule;
        double q = 1;
        for (int it = 0; it < 200_000; it++)
        {
            double e = 0;
            for (int i = 0; i < Nodes; i++)
            {
                double t = Math.Tanh(Math.Sqrt(q) * z[i]);
                e += w[i] * t * t;
            }
            double next = (sigmaW2 * e) + sigmaB2;
            bool done = Math.Abs(next - q) < 1e-15;
            q = next;
            if (done)
            {
                break;
            }
        }
        double chi1 = 0;
        for (int i = 0; i < Nodes; i++)
        {
            double s = 1 - Math.Pow(Math.Tanh(Math.Sqrt(q) * z[i]), 2);
            chi1 += w[i] * s * s;
        }
        chi1 *= sigmaW2;
        if (chi1 <= 1)
        {
            return chi1 == 1 ? double.PositiveInfinity : -1 / Math.Log(chi1);
        }
        // Chaotic phase: the stable fixed point c* < 1 of the correlation map. A few plain iterations from 0 approach it
        // from below; Newton's method (the map's slope at c is χ(c) = σ_w² E[φ′(u₁)φ′(u₂)]) then converges fast even near
        // the critical line, where plain iteration needs ~ξ_c·30 steps.
        double c = 0;
        for (int it = 0; it < 30; it++)
        {
            c = CorrelationMap(q, c, sigmaW2, sigmaB2);
        }
        for (int it = 0; it < 200; it++)
        {
            double f = CorrelationMap(q, c, sigmaW2, sigmaB2) - c;
            double slope = Slope(q, c, sigmaW2) - 1;
            double next = slope < 0 ? c - (f / slope) : c + f;
            if (!(next > -1 && next < 1 - 1e-12))
            {
                next = c + f;
            }
            bool done = Math.Abs(next - c) < 1e-14;
            c = next;
            if (done)
            {
                break;
            }
        }
        double chiC = Slope(q, c, sigmaW2);
        return chiC >= 1 ? double.PositiveInfinity : -1 / Math.Log(chiC);
    }

    /// <summary>χ(c) = σ_w² E[φ′(u₁)φ′(u₂)]: the correlation map's slope at c (χ_c at c = c*).</summary>
    private static double Slope(double q, double c, double sigmaW2)
    {
        var (z, w) = Rule;
        double chiC = 0;
        double sq = Math.Sqrt(q);
        double r = Math.Sqrt(Math.Max(0, 1 - (c * c)));
        for (int i = 0; i < Nodes; i++)
        {
            double u1 = sq * z[i];
            double d1 = 1 - Math.Pow(Math.Tanh(u1), 2);
            for (int j = 0; j < Nodes; j++)
            {
                double u2 = sq * ((c * z[i]) + (r * z[j]));
                chiC += w[i] * w[j] * d1 * (1 - Math.Pow(Math.Tanh(u2), 2));
            }
        }
        return chiC * sigmaW2;
    }

    private static double CorrelationMap(double q, double c, double sigmaW2, double sigmaB2)
    {
        var (z, w) = Rule;
        double sq = Math.Sqrt(q);
        double r = Math.Sqrt(Math.Max(0, 1 - (c * c)));
        double e = 0;
        for (int i = 0; i < Nodes; i++)
        {
            double p1 = Math.Tanh(sq * z[i]);
            for (int j = 0; j < Nodes; j++)
            {
                e += w[i] * w[j] * p1 * Math.Tanh(sq * ((c * z[i]) + (r * z[j])));
            }
        }
        return ((sigmaW2 * e) + sigmaB2) / q;
    }

    /// <summary>
    /// Nodes and weights for E_z[f(z)], z ~ N(0, 1): the physicists' Gauss–Hermite rule (roots of H_n by Newton's method on
    /// the orthonormal recurrence), rescaled by √2 and 1/√π.
    /// </summary>
    private static (double[] Z, double[] W) GaussHermite(int n)
    {
        var x = new double[n];
        var w = new double[n];
        double piQuarter = Math.Pow(Math.PI, -0.25);
        double root = 0;
        for (int i = 0; i < (n + 1) / 2; i++)
        {
            root = i switch
            {
                0 => Math.Sqrt((2.0 * n) + 1) - (1.85575 * Math.Pow((2.0 * n) + 1, -1.0 / 6)),
                1 => root - (1.14 * Math.Pow(n, 0.426) / root),
                2 => (1.86 * root) - (0.86 * x[0]),
                3 => (1.91 * root) - (0.91 * x[1]),
                _ => (2 * root) - x[i - 2],
            };
            double derivative = 0;
            for (int iter = 0; iter < 100; iter++)
            {
                double p1 = piQuarter;
                double p2 = 0;
                for (int j = 1; j <= n; j++)
                {
                    double p3 = p2;
                    p2 = p1;
                    p1 = (root * Math.Sqrt(2.0 / j) * p2) - (Math.Sqrt((j - 1.0) / j) * p3);
                }
                derivative = Math.Sqrt(2.0 * n) * p2;
                double step = p1 / derivative;
                root -= step;
                if (Math.Abs(step) < 1e-15)
                {
                    break;
                }
            }
            x[i] = root;
            x[n - 1 - i] = -root;
            w[i] = 2 / (derivative * derivative);
            w[n - 1 - i] = w[i];
        }
        var z = new double[n];
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            z[i] = Math.Sqrt(2) * x[i];
            weights[i] = w[i] / Math.Sqrt(Math.PI);
        }
        return (z, weights);
    }
}
