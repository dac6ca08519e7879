namespace Entropy.MLNet.Sweep;

/// <summary>The mean-field columns of a results row (χ_1, ξ_c) for an activation, when the theory knows it.</summary>
internal static class SweepTheory
{
    /// <summary>χ_1 and ξ_c at (σ_w², σ_b²) for <paramref name="activation"/>; false when the theory does not know the activation.</summary>
    public static bool TryEvaluate(string activation, double sigmaW2, double sigmaB2, out double chi1, out double xiC)
    {
        // Wired to Theory/ once that branch is merged (see the coordinator note in the sweep report).
        _ = activation;
        _ = sigmaW2;
        _ = sigmaB2;
        chi1 = double.NaN;
        xiC = double.NaN;
        return false;
    }
}
