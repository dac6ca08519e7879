using System.Globalization;

namespace Entropy.MLNet.Prediction;

/// <summary>
/// Reads a probe's cutoff as an answer to "will depth L train?".
/// <para>
/// <b>Prediction.</b> <see cref="PredictedTrainable"/>(cutoff, L) = cutoff ≥ L. The cutoff is the authors' 0-based
/// curve index i (the reconstruction from layer i + 1 still differs from the plateau); like the authors' comparison
/// plot, the raw index is compared with the depth, which is one layer conservative.
/// </para>
/// <para>
/// <b>Score.</b> s(L) = 1 / (1 + exp(−(cutoff + ½ − L) / w)), with w = max(1, 0.1·cutoff) layers. It reads "how
/// confidently depth L lies below the predicted trainable depth": s &gt; ½ exactly when the prediction says trainable
/// (the ½ puts the boundary between cutoff and cutoff + 1); s ≈ 0.73 when L is 10 % of the cutoff below it, ≈ 0.88 at
/// 20 %, ≈ 0.95 at 30 %, and symmetrically towards 0 above it. The width grows with the cutoff because the cutoff of a
/// slowly saturating curve is uncertain by a fraction of itself, not by a fixed number of layers.
/// </para>
/// <para>
/// <b>Verdict.</b> From mean-field χ_1 at the same point: near-critical when |χ_1 − 1| &lt; <see cref="CriticalBand"/>
/// (0.05; at σ_b² = 0.05 for tanh that is σ_w² ≈ 1.55–2.0, where 6ξ_c exceeds ~70 layers), else ordered (χ_1 &lt; 1)
/// or chaotic (χ_1 &gt; 1).
/// </para>
/// </summary>
public static class TrainabilityScore
{
    /// <summary>The half-width of the near-critical band around χ_1 = 1.</summary>
    public const double CriticalBand = 0.05;

    /// <summary>The score's width as a fraction of the cutoff.</summary>
    public const double RelativeWidth = 0.1;

    /// <summary>The smallest score width, in layers.</summary>
    public const double MinimumWidth = 1.0;

    /// <summary>Whether depth <paramref name="depth"/> is predicted trainable: cutoff ≥ depth.</summary>
    public static bool PredictedTrainable(int cutoff, int depth) => cutoff >= depth;

    /// <summary>The score in (0, 1) of depth <paramref name="depth"/> for a probe whose cutoff is <paramref name="cutoff"/> (see the class remarks).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative cutoff or depth.</exception>
    public static double Score(int cutoff, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cutoff);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        return Score((double)cutoff, depth);
    }

    /// <summary>The same score for a real-valued predicted depth (e.g. 6ξ_c, which may be +∞: score 1).</summary>
    /// <param name="predictedDepth">The predicted maximum trainable depth.</param>
    /// <param name="depth">The requested depth.</param>
    public static double Score(double predictedDepth, int depth)
    {
        if (double.IsNaN(predictedDepth))
        {
            throw new ArgumentOutOfRangeException(nameof(predictedDepth), "The predicted depth is NaN.");
        }
        if (double.IsPositiveInfinity(predictedDepth))
        {
            return 1.0;
        }
        double width = Math.Max(MinimumWidth, RelativeWidth * predictedDepth);
        return 1.0 / (1.0 + Math.Exp(-(predictedDepth + 0.5 - depth) / width));
    }

    /// <summary>The verdict for χ_1 with the default band (see the class remarks).</summary>
    /// <exception cref="ArgumentOutOfRangeException">χ_1 is NaN or negative.</exception>
    public static TrainabilityVerdict Verdict(double chi1) => Verdict(chi1, CriticalBand);

    /// <summary>The verdict for χ_1 with a near-critical band of half-width <paramref name="band"/>.</summary>
    public static TrainabilityVerdict Verdict(double chi1, double band)
    {
        if (!(chi1 >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(chi1), chi1, $"χ_1 must be a number of at least 0; got {chi1}.");
        }
        if (!(band >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(band), band, $"The band must be at least 0; got {band}.");
        }
        return Math.Abs(chi1 - 1.0) < band ? TrainabilityVerdict.NearCritical
            : chi1 < 1.0 ? TrainabilityVerdict.Ordered : TrainabilityVerdict.Chaotic;
    }

    /// <summary>The verdict as written in results.csv and reports: <c>ordered</c>, <c>near-critical</c> or <c>chaotic</c>.</summary>
    public static string Name(TrainabilityVerdict verdict) => verdict switch
    {
        TrainabilityVerdict.Ordered => "ordered",
        TrainabilityVerdict.NearCritical => "near-critical",
        TrainabilityVerdict.Chaotic => "chaotic",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "Unknown verdict."),
    };

    /// <summary>Parses a name written by <see cref="Name"/>.</summary>
    /// <exception cref="FormatException">Not a verdict name.</exception>
    public static TrainabilityVerdict ParseName(string name) => name switch
    {
        "ordered" => TrainabilityVerdict.Ordered,
        "near-critical" => TrainabilityVerdict.NearCritical,
        "chaotic" => TrainabilityVerdict.Chaotic,
        _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{name}' is not a verdict (ordered, near-critical, chaotic).")),
    };
}
