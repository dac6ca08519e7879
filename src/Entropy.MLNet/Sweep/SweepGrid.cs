namespace Entropy.MLNet.Sweep;

/// <summary>
/// The grid-and-seed core under both sweep engines (the CLI's <see cref="SweepRunner"/> and the ML.NET
/// <c>TrainabilitySweepEstimator</c>): the canonical order of the (σ_w², σ_b²) grid and each configuration's own seed,
/// derived from the sweep seed and the configuration only (<see cref="SweepSeeds.Configuration"/>), so that the same
/// configuration gets the same probe in either engine, in any shard, on any resume.
/// </summary>
internal static class SweepGrid
{
    /// <summary>The grid in canonical order: σ_b² outer, σ_w² inner, both ascending; each point with its index and seed.</summary>
    /// <param name="sigmaW2">The σ_w² values.</param>
    /// <param name="sigmaB2">The σ_b² values.</param>
    /// <param name="sweepSeed">The sweep seed (non-negative).</param>
    public static IReadOnlyList<SweepConfiguration> Configurations(IEnumerable<double> sigmaW2, IEnumerable<double> sigmaB2, int sweepSeed)
    {
        ArgumentNullException.ThrowIfNull(sigmaW2);
        ArgumentNullException.ThrowIfNull(sigmaB2);
        double[] ws = [.. sigmaW2.Order()];
        var grid = new List<SweepConfiguration>();
        foreach (double sb in sigmaB2.Order())
        {
            foreach (double sw in ws)
            {
                grid.Add(new SweepConfiguration(grid.Count, sw, sb, SweepSeeds.Configuration(sweepSeed, sw, sb)));
            }
        }
        return grid;
    }
}
