namespace Entropy.MLNet.Probe;

/// <summary>
/// Where a probed network diverges: the first layer ℓ (1-based) whose activations on the entropy sample, or whose
/// relative entropies, are not all finite (an overflow to ±∞ or NaN, e.g. ReLU at a large σ_w², whose activations grow
/// by √(σ_w²/2) per layer). From that layer on the curve holds no measurement, so nothing read from it may count as a
/// trainable depth (see <see cref="Cutoff.FromSamples(IReadOnlyList{float[]}, int?, double)"/>).
/// </summary>
internal static class Divergence
{
    /// <summary>The first diverging layer, or null when every layer is finite.</summary>
    /// <param name="activationsFinite">Per layer ℓ = 1..L (index ℓ − 1): whether all its activations on the sample are finite.</param>
    /// <param name="perSample">Relative entropy [sample][curve index] (curve index i is layer i + 1).</param>
    public static int? FirstLayer(IReadOnlyList<bool> activationsFinite, IReadOnlyList<float[]> perSample)
    {
        ArgumentNullException.ThrowIfNull(activationsFinite);
        ArgumentNullException.ThrowIfNull(perSample);
        int? first = null;
        for (int l = 0; l < activationsFinite.Count; l++)
        {
            if (!activationsFinite[l])
            {
                first = l + 1;
                break;
            }
        }
        foreach (float[] curve in perSample)
        {
            int limit = Math.Min(curve.Length, (first ?? int.MaxValue) - 1);
            for (int i = 0; i < limit; i++)
            {
                if (!float.IsFinite(curve[i]))
                {
                    first = i + 1;
                    break;
                }
            }
        }
        return first;
    }
}
