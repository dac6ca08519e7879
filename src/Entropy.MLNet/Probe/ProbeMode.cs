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

    /// <summary>
    /// The decoders are fitted in closed form (ridge regression in their pre-activation space, one pass over the
    /// training images) instead of trained by Adam: nothing undertrained, a fraction of the work. Its curves differ from
    /// the authors' (the decoders are better), so it has its own calibration and agreement numbers (docs/prediction.md,
    /// docs/performance.md). The MLP only.
    /// </summary>
    LeastSquares,
}

/// <summary>The modes' names in files and on the command line.</summary>
internal static class ProbeModeNames
{
    /// <summary>"adaptive", "least-squares", or null for the faithful default (which result files leave out).</summary>
    public static string? ToName(this ProbeMode mode) => mode switch
    {
        ProbeMode.Adaptive => "adaptive",
        ProbeMode.LeastSquares => "least-squares",
        _ => null,
    };

    /// <summary>The mode named <paramref name="name"/> (<see cref="ToName"/>'s names; null or "faithful" for the default); null for an unknown name.</summary>
    public static ProbeMode? Parse(string? name) => name switch
    {
        null or "faithful" => ProbeMode.Faithful,
        _ => Enum.GetValues<ProbeMode>().Where(m => m.ToName() == name).Select(m => (ProbeMode?)m).FirstOrDefault(),
    };
}
