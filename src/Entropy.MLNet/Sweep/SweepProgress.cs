namespace Entropy.MLNet.Sweep;

/// <summary>A progress report of a sweep.</summary>
/// <param name="Completed">Configurations of this run's shard that have a results row (including ones done before a resume).</param>
/// <param name="Total">Configurations in this run's shard.</param>
/// <param name="Resumed">Configurations found already done when the run started.</param>
/// <param name="Current">The configuration in flight; null between configurations and at the end.</param>
/// <param name="Stage">What the current configuration is doing: <c>probe</c>, <c>ground truth depth D</c>, <c>done</c>.</param>
/// <param name="StageFraction">Fraction of the current probe's training done, in [0, 1].</param>
/// <param name="Finished">The configuration just finished (its results row), else null.</param>
public sealed record SweepProgress(int Completed, int Total, int Resumed, SweepConfiguration? Current, string Stage, double StageFraction, SweepRecord? Finished);
