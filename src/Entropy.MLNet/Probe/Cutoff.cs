namespace Entropy.MLNet.Probe;

/// <summary>
/// The cutoff: the layer from which a reconstruction-entropy curve stays within a relative tolerance of its deepest
/// value. It is the predicted maximum trainable depth for the (σ_w², σ_b²) the curve was measured at. Indices are
/// 0-based curve indices as the authors' <c>cutoff_det</c> returns them (index i is the reconstruction from layer i + 1).
/// </summary>
public static class Cutoff
{
    /// <summary>The authors' relative tolerance for the MLP probe (0.5 %).</summary>
    public const double DefaultRelativeTolerance = Networks.ProbeDefaults.MlpCutoffTolerance;

    /// <summary>The authors' absolute tolerance.</summary>
    public const double DefaultAbsoluteTolerance = 1e-8;

    /// <summary>How many points the authors' "differential" variant drops at each end of the curve.</summary>
    public const int DifferentialTrim = 2;

    /// <summary>
    /// The deepest index i with |m_i − m_last| &gt; atol + rtol·|m_last|; a curve with no such index (flat) gives its
    /// length, as the authors (a flat curve reports the maximum, not 0).
    /// </summary>
    /// <param name="curve">The curve m_0..m_last (at least one point).</param>
    /// <param name="rtol">Relative tolerance (default 0.005).</param>
    /// <param name="atol">Absolute tolerance (default 1e-8).</param>
    /// <exception cref="ArgumentException">The curve is empty.</exception>
    public static int Find(ReadOnlySpan<double> curve, double rtol = DefaultRelativeTolerance, double atol = DefaultAbsoluteTolerance)
    {
        if (curve.IsEmpty)
        {
            throw new ArgumentException("The curve is empty.", nameof(curve));
        }
        double reference = curve[^1];
        double tolerance = atol + (rtol * Math.Abs(reference));
        for (int i = curve.Length - 1; i >= 0; i--)
        {
            // NaN compares false, so a NaN point never counts as "different" (as numpy's comparison).
            if (Math.Abs(curve[i] - reference) > tolerance)
            {
                return i;
            }
        }
        return curve.Length;
    }

    /// <inheritdoc cref="Find(ReadOnlySpan{double}, double, double)"/>
    public static int Find(ReadOnlySpan<float> curve, double rtol = DefaultRelativeTolerance, double atol = DefaultAbsoluteTolerance)
    {
        var values = new double[curve.Length];
        for (int i = 0; i < curve.Length; i++)
        {
            values[i] = curve[i];
        }
        return Find(values, rtol, atol);
    }

    /// <summary>
    /// The authors' aggregate: divide each sample's curve by its last value, take the median across samples per layer
    /// (so the last point is 1), and return <see cref="Find(ReadOnlySpan{double}, double, double)"/> of that median curve.
    /// </summary>
    /// <param name="perSample">One curve per sample, all the same length.</param>
    /// <param name="rtol">Relative tolerance (default 0.005).</param>
    public static int FromSamples(IReadOnlyList<float[]> perSample, double rtol = DefaultRelativeTolerance)
        => Find(NormalizedMedian(perSample), rtol);

    /// <summary>
    /// The cutoff of a probe whose network may diverge at layer <paramref name="divergenceLayer"/> (1-based; see
    /// <see cref="ProbeResult.DivergenceLayer"/>). Without divergence, <see cref="FromSamples(IReadOnlyList{float[]}, double)"/>.
    /// With it, the same rule on the finite part of the curve only, layers 1..ℓ − 1, each sample normalised by its value
    /// at layer ℓ − 1 (the deepest one measured): the result is at most ℓ − 1, so no depth from ℓ on is ever predicted
    /// trainable, and 0 when nothing before ℓ was measured (ℓ = 1). A divergence beyond the curve (in the excluded
    /// deepest layers) leaves the curve whole.
    /// </summary>
    /// <param name="perSample">One curve per sample, all the same length.</param>
    /// <param name="divergenceLayer">The first diverging layer, or null.</param>
    /// <param name="rtol">Relative tolerance (default 0.005).</param>
    internal static int FromSamples(IReadOnlyList<float[]> perSample, int? divergenceLayer, double rtol = DefaultRelativeTolerance)
    {
        int finite = FiniteLength(CheckSamples(perSample), divergenceLayer);
        return finite == 0 ? 0 : Find(NormalizedMedian(perSample, divergenceLayer).AsSpan(0, finite), rtol);
    }

    /// <summary>
    /// <see cref="NormalizedMedian(IReadOnlyList{float[]})"/> of the finite part of the curves (layers before
    /// <paramref name="divergenceLayer"/>), NaN from the divergence layer on; the whole curve without divergence.
    /// </summary>
    internal static double[] NormalizedMedian(IReadOnlyList<float[]> perSample, int? divergenceLayer)
    {
        int length = CheckSamples(perSample);
        int finite = FiniteLength(length, divergenceLayer);
        if (finite == length)
        {
            return NormalizedMedian(perSample);
        }
        var result = new double[length];
        Array.Fill(result, double.NaN);
        if (finite > 0)
        {
            NormalizedMedian([.. perSample.Select(c => c[..finite])]).CopyTo(result, 0);
        }
        return result;
    }

    /// <summary>How many leading curve points lie before the divergence layer (all of them without one).</summary>
    internal static int FiniteLength(int length, int? divergenceLayer)
    {
        if (divergenceLayer is { } l)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(l, 1, nameof(divergenceLayer));
            return Math.Min(length, l - 1);
        }
        return length;
    }

    /// <summary>The median across samples of each sample's curve divided by its last value (the curve <see cref="FromSamples(IReadOnlyList{float[]}, double)"/> cuts).</summary>
    /// <param name="perSample">One curve per sample, all the same length (at least one sample, one point).</param>
    /// <exception cref="ArgumentException">No samples, an empty curve, or curves of different lengths.</exception>
    public static double[] NormalizedMedian(IReadOnlyList<float[]> perSample)
    {
        int length = CheckSamples(perSample);
        var normalised = new double[perSample.Count][];
        for (int n = 0; n < perSample.Count; n++)
        {
            float[] curve = perSample[n];
            double last = curve[^1];
            normalised[n] = new double[length];
            for (int i = 0; i < length; i++)
            {
                normalised[n][i] = curve[i] / last;
            }
        }
        return MedianAcross(normalised, length);
    }

    /// <summary>The median across samples per layer (numpy's median: the mean of the two middle values for an even count).</summary>
    public static double[] Median(IReadOnlyList<float[]> perSample)
    {
        int length = CheckSamples(perSample);
        var rows = new double[perSample.Count][];
        for (int n = 0; n < rows.Length; n++)
        {
            rows[n] = Array.ConvertAll(perSample[n], v => (double)v);
        }
        return MedianAcross(rows, length);
    }

    /// <summary>
    /// The authors' "differential" variant: drop <see cref="DifferentialTrim"/> points at each end (their Gaussian
    /// smoothing kernel is numerically [0, 0, 1, 0, 0] in "valid" mode), take d_j = s_j − s_{j+1} of the trimmed curve s,
    /// and return the last index j with |d_j| &gt; atol. The index refers to the trimmed, differenced sequence: j
    /// corresponds to the step from curve index j + 2 to j + 3 (add <see cref="DifferentialTrim"/> to map it onto the
    /// curve). When no step qualifies it returns the length of the differenced sequence (curve length − 5), mirroring
    /// <see cref="Find(ReadOnlySpan{double}, double, double)"/>'s flat-curve rule.
    /// </summary>
    /// <param name="curve">The curve (at least 6 points).</param>
    /// <param name="atol">Absolute tolerance on the step (default 1e-8; the reference is 0, so a relative tolerance has no effect).</param>
    /// <exception cref="ArgumentException">The curve has fewer than 6 points.</exception>
    public static int Differential(ReadOnlySpan<double> curve, double atol = DefaultAbsoluteTolerance)
    {
        if (curve.Length < (2 * DifferentialTrim) + 2)
        {
            throw new ArgumentException($"The differential cutoff needs at least {(2 * DifferentialTrim) + 2} curve points; got {curve.Length}.", nameof(curve));
        }
        ReadOnlySpan<double> trimmed = curve[DifferentialTrim..^DifferentialTrim];
        int steps = trimmed.Length - 1;
        for (int j = steps - 1; j >= 0; j--)
        {
            if (Math.Abs(trimmed[j] - trimmed[j + 1]) > atol)
            {
                return j;
            }
        }
        return steps;
    }

    private static int CheckSamples(IReadOnlyList<float[]> perSample)
    {
        ArgumentNullException.ThrowIfNull(perSample);
        if (perSample.Count == 0)
        {
            throw new ArgumentException("No sample curves.", nameof(perSample));
        }
        int length = perSample[0]?.Length ?? 0;
        if (length == 0)
        {
            throw new ArgumentException("Sample curves are empty.", nameof(perSample));
        }
        for (int n = 1; n < perSample.Count; n++)
        {
            if (perSample[n] is null || perSample[n].Length != length)
            {
                throw new ArgumentException($"Sample curve {n} has {perSample[n]?.Length ?? 0} points; curve 0 has {length}.", nameof(perSample));
            }
        }
        return length;
    }

    private static double[] MedianAcross(double[][] rows, int length)
    {
        var median = new double[length];
        var column = new double[rows.Length];
        int half = rows.Length / 2;
        for (int i = 0; i < length; i++)
        {
            for (int n = 0; n < rows.Length; n++)
            {
                column[n] = rows[n][i];
            }
            Array.Sort(column);
            median[i] = rows.Length % 2 == 1 ? column[half] : (column[half - 1] + column[half]) / 2;
        }
        return median;
    }
}
