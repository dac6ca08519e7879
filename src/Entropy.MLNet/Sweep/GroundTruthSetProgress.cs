namespace Entropy.MLNet.Sweep;

/// <summary>Progress of a ground-truth run: after each training and after each finished configuration.</summary>
/// <param name="Completed">Configurations done (including resumed ones).</param>
/// <param name="Total">Configurations of this shard.</param>
/// <param name="Resumed">Configurations found already done.</param>
/// <param name="Trial">The training just finished (null for other reports).</param>
/// <param name="Replayed">Whether <paramref name="Trial"/> was read back from trials.csv instead of trained.</param>
/// <param name="Boundary">The configuration just finished (null for other reports).</param>
public sealed record GroundTruthSetProgress(int Completed, int Total, int Resumed, GroundTruthTrial? Trial, bool Replayed, GroundTruthBoundary? Boundary);
