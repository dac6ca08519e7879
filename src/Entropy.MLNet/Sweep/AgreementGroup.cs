namespace Entropy.MLNet.Sweep;

/// <summary>One measured boundary of a ground-truth set, as <see cref="GroundTruthAgreement"/> compares it.</summary>
/// <param name="SigmaW2">Weight variance σ_w².</param>
/// <param name="SigmaB2">Bias variance σ_b².</param>
/// <param name="Seed">The set seed.</param>
/// <param name="Status">Found, censored (≥ cap) or none.</param>
/// <param name="MaxTrainableDepth">The deepest depth that trained (the cap when censored, 0 when none).</param>
/// <param name="Seconds">Seconds of the search's trainings.</param>
public sealed record AgreementBoundary(double SigmaW2, double SigmaB2, int Seed, GroundTruthBoundaryStatus Status, int MaxTrainableDepth, double Seconds);

/// <summary>One predicted maximum trainable depth (NaN when the predictor has no finite answer; +∞ allowed).</summary>
/// <param name="Predictor">Predictor name.</param>
/// <param name="Source">Where it came from (a sweep directory, or "mean field").</param>
/// <param name="SigmaW2">Weight variance σ_w².</param>
/// <param name="SigmaB2">Bias variance σ_b².</param>
/// <param name="Depth">The predicted maximum trainable depth.</param>
/// <param name="Seconds">Seconds the prediction took, when known (the probe's).</param>
public sealed record AgreementPrediction(string Predictor, string Source, double SigmaW2, double SigmaB2, double Depth, double? Seconds);

/// <summary>The agreement of one predictor with one seed of a ground-truth group.</summary>
/// <param name="Predictor">Predictor name: <c>probe</c>, <c>6ξc</c> or <c>seed N</c> (the noise ceiling).</param>
/// <param name="Source">Where the prediction came from.</param>
/// <param name="TruthSeed">The seed of the ground truth it is scored against.</param>
/// <param name="MinDepth">The shallowest depth of the cells.</param>
/// <param name="MaxDepth">The deepest depth of the cells (the cap, or less when the predictor's range is shorter).</param>
/// <param name="Metrics">The metrics (<see cref="Agreement.Compute(string, IReadOnlyList{ValueTuple{double, int}}, IReadOnlyList{int}, int)"/>).</param>
/// <param name="ComputeRatio">Probe only: total probe seconds over the total seconds of the ground-truth searches of the same configurations; null otherwise.</param>
/// <param name="MedianComputeRatio">Probe only: the median of the per-configuration ratios.</param>
public sealed record AgreementRow(string Predictor, string Source, int TruthSeed, int MinDepth, int MaxDepth, AgreementMetrics Metrics, double? ComputeRatio, double? MedianComputeRatio);

/// <summary>
/// The ground-truth sets that share every setting but the seed (a dataset, network and budget), with every predictor's
/// agreement per seed and the seed-vs-seed ceiling.
/// </summary>
/// <param name="Settings">The shared settings (seed 0, no shard).</param>
/// <param name="Seeds">The seeds present, ascending.</param>
/// <param name="Complete">Whether every configuration of the grid has a boundary for every seed.</param>
/// <param name="Boundaries">Every boundary, all seeds.</param>
/// <param name="Predictions">Every prediction compared.</param>
/// <param name="Rows">Per predictor and truth seed.</param>
public sealed record AgreementGroup(GroundTruthSetSettings Settings, IReadOnlyList<int> Seeds, bool Complete, IReadOnlyList<AgreementBoundary> Boundaries,
    IReadOnlyList<AgreementPrediction> Predictions, IReadOnlyList<AgreementRow> Rows)
{
    /// <summary>A short name: dataset (with its source unless files), activation, width, budget (and "scan" for a monotonicity scan).</summary>
    public string Name => $"{Settings.Dataset}{(Settings.DatasetSource == "files" ? string.Empty : $" ({Settings.DatasetSource})")} {Settings.Activation} {(Settings.EffectiveChannels is { } c ? $"{Settings.Family} c{c}" : $"w{Settings.Width}")} {Settings.Steps} steps{(Settings.Search == "scan" ? " scan" : string.Empty)}";
}
