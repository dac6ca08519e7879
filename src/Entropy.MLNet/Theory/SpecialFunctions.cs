namespace Entropy.MLNet.Theory;

/// <summary>The error function and its complement in double precision (.NET has no built-in erf).</summary>
public static class SpecialFunctions
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double SeriesLimit = 2.5;

    /// <summary>erf(x) = 2/√π ∫₀ˣ e^{−t²} dt, accurate to a few ulps.</summary>
    /// <param name="x">The argument.</param>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        double a = Math.Abs(x);
        double magnitude = a < SeriesLimit ? ErfSeries(a) : 1.0 - ErfcContinuedFraction(a);
        return x < 0 ? -magnitude : magnitude;
    }

    /// <summary>erfc(x) = 1 − erf(x), with full relative accuracy for large positive x.</summary>
    /// <param name="x">The argument.</param>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        if (x < SeriesLimit)
        {
            return x > -SeriesLimit ? 1.0 - Erf(x) : 2.0 - ErfcContinuedFraction(-x);
        }
        return ErfcContinuedFraction(x);
    }

    /// <summary>Standard normal cumulative distribution Φ(x) = erfc(−x/√2)/2.</summary>
    /// <param name="x">The argument.</param>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2.0));

    /// <summary>Standard normal density e^{−x²/2}/√(2π).</summary>
    /// <param name="x">The argument.</param>
    public static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI);

    // erf(x) = 2/√π·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3···(2n+1)): every term positive, so no cancellation for 0 ≤ x < 2.5.
    private static double ErfSeries(double x)
    {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (term <= 1e-17 * sum)
            {
                break;
            }
        }
        return TwoOverSqrtPi * Math.Exp(-x2) * sum;
    }

    // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by the modified Lentz method (x ≥ 2.5).
    private static double ErfcContinuedFraction(double x)
    {
        if (x > 27)
        {
            return 0.0; // below the smallest double
        }
        const double Tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 500; n++)
        {
            double a = 0.5 * n;
            d = x + a * d;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = x + a / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1.0) < 1e-16)
            {
                break;
            }
        }
        return Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * f);
    }
}
