namespace Entropy.MLNet.Sweep;

/// <summary>One point of a sweep grid: a (σ_w², σ_b²) pair, its position in the grid and its own seed.</summary>
/// <param name="Index">Position in the grid (σ_b² outer, σ_w² inner, both ascending); decides the shard.</param>
/// <param name="SigmaW2">Weight variance σ_w².</param>
/// <param name="SigmaB2">Bias variance σ_b².</param>
/// <param name="Seed">
/// The configuration's seed, derived from the sweep seed and (σ_w², σ_b²) only (<see cref="SweepSeeds.Configuration"/>),
/// never from the run order, so that resumed, sharded and uninterrupted runs compute identical numbers.
/// </param>
public sealed record SweepConfiguration(int Index, double SigmaW2, double SigmaB2, int Seed);
