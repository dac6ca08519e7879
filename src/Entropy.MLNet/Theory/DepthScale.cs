namespace Entropy.MLNet.Theory;

/// <summary>
/// Mean-field quantities at one (σ_w², σ_b²) point (Poole et al. 2016; Schoenholz et al. 2017).
/// Infinite depth scales are <see cref="double.PositiveInfinity"/>.
/// </summary>
/// <param name="SigmaW2">Weight variance σ_w² (weights ~ N(0, σ_w²/fan_in)).</param>
/// <param name="SigmaB2">Bias variance σ_b².</param>
/// <param name="QStar">Fixed point q* of the variance map; 0 when the signal dies (σ_b² = 0 in the ordered phase), ∞ when it diverges (e.g. ReLU beyond σ_w² = 2).</param>
/// <param name="Chi1">χ_1 = σ_w²·E[φ′(√q* z)²], the slope of the correlation map at c = 1.</param>
/// <param name="CStar">The stable fixed point c* of the correlation map (1 in the ordered and critical phases).</param>
/// <param name="ChiC">χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at c*, the slope of the correlation map there (χ_1 in the ordered phase).</param>
/// <param name="XiQ">ξ_q = −1/ln[χ_1 + σ_w²·E(φ″φ)], the depth over which q^ℓ relaxes to q*.</param>
/// <param name="XiC">ξ_c = −1/ln χ_c, the depth over which correlations relax to c* (∞ on the critical line).</param>
/// <param name="Phase">Ordered, critical or chaotic, from χ_1.</param>
public sealed record DepthScale(
    double SigmaW2,
    double SigmaB2,
    double QStar,
    double Chi1,
    double CStar,
    double ChiC,
    double XiQ,
    double XiC,
    MeanFieldPhase Phase)
{
    /// <summary>6ξ_c, Schoenholz et al.'s empirical estimate of the maximum trainable depth.</summary>
    public double SixXiC => 6.0 * XiC;
}
