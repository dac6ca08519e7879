namespace Entropy.MLNet.Theory;

/// <summary>The σ_w² interval, at fixed σ_b², where mean-field theory predicts depth <see cref="Depth"/> trains (6ξ_c ≥ depth).</summary>
/// <param name="Depth">The network depth L.</param>
/// <param name="SigmaB2">Bias variance σ_b².</param>
/// <param name="Lower">Smallest σ_w² with 6ξ_c ≥ L (on the ordered side).</param>
/// <param name="Upper">Largest σ_w² with 6ξ_c ≥ L (on the chaotic side); ∞ when 6ξ_c ≥ L still holds at the search limit.</param>
/// <param name="CriticalSigmaW2">The critical σ_w², which always lies inside the band.</param>
public sealed record TrainableDepthBand(int Depth, double SigmaB2, double Lower, double Upper, double CriticalSigmaW2)
{
    /// <summary>True when <paramref name="sigmaW2"/> lies in [Lower, Upper].</summary>
    /// <param name="sigmaW2">A weight variance.</param>
    public bool Contains(double sigmaW2) => sigmaW2 >= Lower && sigmaW2 <= Upper;
}
