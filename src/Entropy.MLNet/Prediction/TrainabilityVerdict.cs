namespace Entropy.MLNet.Prediction;

/// <summary>
/// Where a (σ_w², σ_b²) point lies relative to the edge of chaos, from mean-field χ_1 (see
/// <see cref="TrainabilityScore.Verdict(double)"/>): a reading aid next to the score, not a prediction by itself.
/// </summary>
public enum TrainabilityVerdict
{
    /// <summary>χ_1 ≤ 1 − band: correlations converge, signals and gradients die over ~ξ_c layers.</summary>
    Ordered,

    /// <summary>|χ_1 − 1| &lt; band: near the edge of chaos, where ξ_c is large and deep networks train.</summary>
    NearCritical,

    /// <summary>χ_1 ≥ 1 + band: nearby inputs decorrelate, gradients explode over ~ξ_c layers.</summary>
    Chaotic,
}
