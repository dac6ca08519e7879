namespace Entropy.MLNet.Sweep;

/// <summary>What a depth search found for one configuration.</summary>
public enum GroundTruthBoundaryStatus
{
    /// <summary>Some depth in [min, max) is the deepest that trained: the boundary is measured.</summary>
    Found,

    /// <summary>The deepest searched depth trained: the boundary is at least the cap ("≥ cap").</summary>
    Censored,

    /// <summary>No searched depth trained, not even the shallowest.</summary>
    None,
}
