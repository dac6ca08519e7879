namespace Entropy.MLNet.Theory;

/// <summary>The mean-field phase of a (σ_w², σ_b²) point, from χ_1.</summary>
public enum MeanFieldPhase
{
    /// <summary>χ_1 &lt; 1: correlations converge to c* = 1, gradients vanish.</summary>
    Ordered,

    /// <summary>χ_1 = 1 (to within <see cref="MeanFieldTheory.CriticalTolerance"/>): the edge of chaos, ξ_c diverges.</summary>
    Critical,

    /// <summary>χ_1 &gt; 1: a stable c* &lt; 1 exists, gradients explode.</summary>
    Chaotic,
}
