namespace Entropy.MLNet.Probe;

/// <summary>How much of the authors' decoder training a probe does.</summary>
public enum ProbeMode
{
    /// <summary>The authors' method: every decoder of every layer trained on every training image for the given epochs.</summary>
    Faithful,

    /// <summary>
    /// Stops where the answer no longer changes (<see cref="AdaptiveBudget"/>): decoders train until their layer-local
    /// losses have converged, and (when the probe has test images) the cascade grows in depth only until the entropy
    /// curve has saturated with a margin. docs/performance.md has the rules and what they cost in agreement.
    /// </summary>
    Adaptive,
}
