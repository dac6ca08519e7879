namespace Entropy.MLNet.Sweep;

/// <summary>
/// A ground-truth directory read back: <c>groundtruth.json</c>, <c>trials.csv</c> (one row per trained network) and
/// <c>boundaries.csv</c> (one row per configuration whose depth search finished). Format: docs/ground-truth.md.
/// </summary>
/// <param name="Directory">The directory.</param>
/// <param name="Settings">Its settings.</param>
/// <param name="Trials">Every finished training, including those of a search still in flight.</param>
/// <param name="Boundaries">Every finished configuration.</param>
public sealed record GroundTruthSet(string Directory, GroundTruthSetSettings Settings, IReadOnlyList<GroundTruthTrial> Trials, IReadOnlyList<GroundTruthBoundary> Boundaries)
{
    /// <summary>Reads a ground-truth directory (a half-written last line, left by a crash, is ignored).</summary>
    /// <exception cref="FileNotFoundException">No groundtruth.json.</exception>
    /// <exception cref="InvalidDataException">A corrupt file (the message names the file and line).</exception>
    public static GroundTruthSet Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        GroundTruthSetSettings settings = GroundTruthSetSettings.Load(directory);
        SweepCsv.Table trials = SweepCsv.Read(Path.Combine(directory, GroundTruthTrial.FileName), GroundTruthTrial.Header, settings.MaxCsvBytes);
        SweepCsv.Table boundaries = SweepCsv.Read(Path.Combine(directory, GroundTruthBoundary.FileName), GroundTruthBoundary.Header, settings.MaxCsvBytes);
        return new GroundTruthSet(directory, settings,
            [.. trials.Rows.Select(r => GroundTruthTrial.Parse(trials, r))],
            [.. boundaries.Rows.Select(r => GroundTruthBoundary.Parse(boundaries, r))]);
    }

    /// <summary>Whether every configuration of this directory's grid (or shard) has a boundary.</summary>
    public bool IsComplete => Settings.ShardConfigurations().All(c => Boundaries.Any(b => b.SigmaW2 == c.SigmaW2 && b.SigmaB2 == c.SigmaB2));
}
