namespace Entropy.MLNet.Sweep;

/// <summary>
/// A sweep results directory read back: settings, one <see cref="SweepRecord"/> per finished configuration, the
/// entropy curves, the ground-truth trainings and the timings, each sorted by (σ_b², σ_w²[, layer or depth]).
/// Reading never modifies the directory; rows a crash left half-written (a last line without '\n', curve or
/// ground-truth rows of a configuration whose results row is missing) are left out, as a resumed sweep drops them.
/// </summary>
public sealed class SweepResults
{
    private SweepResults(string directory, SweepSettings settings, IReadOnlyList<SweepRecord> records,
        IReadOnlyList<SweepCurvePoint> curves, IReadOnlyList<GroundTruthRecord> groundTruth, IReadOnlyList<SweepTiming> timings)
    {
        Directory = directory;
        Settings = settings;
        Records = records;
        Curves = curves;
        GroundTruth = groundTruth;
        Timings = timings;
    }

    /// <summary>The directory read.</summary>
    public string Directory { get; }

    /// <summary>The sweep's settings.</summary>
    public SweepSettings Settings { get; }

    /// <summary>One row per finished configuration, sorted by (σ_b², σ_w²).</summary>
    public IReadOnlyList<SweepRecord> Records { get; }

    /// <summary>Curve rows of the finished configurations, sorted by (σ_b², σ_w², layer).</summary>
    public IReadOnlyList<SweepCurvePoint> Curves { get; }

    /// <summary>Ground-truth trainings of the finished configurations, sorted by (σ_b², σ_w², depth); empty without ground truth.</summary>
    public IReadOnlyList<GroundTruthRecord> GroundTruth { get; }

    /// <summary>Timings, sorted by (σ_b², σ_w²) (one per configuration run; a configuration resumed after a crash may have two).</summary>
    public IReadOnlyList<SweepTiming> Timings { get; }

    /// <summary>Whether every configuration of the settings' shard (the whole grid without a shard) has a results row.</summary>
    public bool IsComplete => Records.Count == Settings.ShardConfigurations().Count;

    /// <summary>The curve of configuration (σ_w², σ_b²), ordered by layer; empty when it is not in the results.</summary>
    public IReadOnlyList<SweepCurvePoint> Curve(double sigmaW2, double sigmaB2)
        => [.. Curves.Where(p => p.SigmaW2 == sigmaW2 && p.SigmaB2 == sigmaB2)];

    /// <summary>The results row of configuration (σ_w², σ_b²), or null.</summary>
    public SweepRecord? Record(double sigmaW2, double sigmaB2)
        => Records.FirstOrDefault(r => r.SigmaW2 == sigmaW2 && r.SigmaB2 == sigmaB2);

    /// <summary>Reads the results directory <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">No settings.json there.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt (the message names the file and line), or a row belongs to no configuration of the grid, or repeats one.</exception>
    public static SweepResults Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        SweepSettings settings = SweepSettings.Load(directory);
        Contents contents = ReadContents(directory, settings);
        return new SweepResults(directory, settings,
            [.. contents.Records.OrderBy(r => r.SigmaB2).ThenBy(r => r.SigmaW2)],
            [.. contents.Curves.Where(c => c.Keep).Select(c => c.Value).OrderBy(p => p.SigmaB2).ThenBy(p => p.SigmaW2).ThenBy(p => p.Layer)],
            [.. contents.GroundTruth.Where(c => c.Keep).Select(c => c.Value).OrderBy(p => p.SigmaB2).ThenBy(p => p.SigmaW2).ThenBy(p => p.Depth)],
            [.. contents.Timings.OrderBy(t => t.SigmaB2).ThenBy(t => t.SigmaW2)]);
    }

    /// <summary>A parsed row, its original text, and whether it belongs to a finished configuration.</summary>
    internal sealed record Kept<T>(T Value, string Text, bool Keep);

    /// <summary>Everything in a directory, parsed and checked against the settings, plus what a resume must repair.</summary>
    internal sealed record Contents(
        SweepCsv.Table ResultsTable,
        IReadOnlyList<SweepRecord> Records,
        SweepCsv.Table CurvesTable,
        IReadOnlyList<Kept<SweepCurvePoint>> Curves,
        SweepCsv.Table GroundTruthTable,
        IReadOnlyList<Kept<GroundTruthRecord>> GroundTruth,
        IReadOnlyList<SweepTiming> Timings);

    internal static Contents ReadContents(string directory, SweepSettings settings)
    {
        var grid = settings.Grid().ToDictionary(c => (c.SigmaW2, c.SigmaB2));
        SweepCsv.Table results = SweepCsv.Read(Path.Combine(directory, SweepRecord.FileName), SweepRecord.RequiredHeader);
        var records = new List<SweepRecord>(results.Rows.Count);
        var done = new HashSet<(double, double)>();
        foreach (SweepCsv.Row row in results.Rows)
        {
            SweepRecord record = SweepRecord.Parse(results, row);
            var key = (record.SigmaW2, record.SigmaB2);
            if (!grid.TryGetValue(key, out SweepConfiguration? config) || (settings.Shard is { } shard && !shard.Contains(config.Index)))
            {
                throw new InvalidDataException($"{results.Path}: line {row.LineNumber}: configuration σ_w² = {SweepCsv.Format(record.SigmaW2)}, σ_b² = {SweepCsv.Format(record.SigmaB2)} is not in this sweep's grid{(settings.Shard is null ? string.Empty : $" shard {settings.Shard}")}.");
            }
            if (!done.Add(key))
            {
                throw new InvalidDataException($"{results.Path}: line {row.LineNumber}: configuration σ_w² = {SweepCsv.Format(record.SigmaW2)}, σ_b² = {SweepCsv.Format(record.SigmaB2)} appears twice.");
            }
            records.Add(record);
        }

        SweepCsv.Table curves = SweepCsv.Read(Path.Combine(directory, SweepCurvePoint.FileName), SweepCurvePoint.Header);
        var curveRows = curves.Rows.Select(row =>
        {
            SweepCurvePoint p = SweepCurvePoint.Parse(curves, row);
            return new Kept<SweepCurvePoint>(p, row.Text, done.Contains((p.SigmaW2, p.SigmaB2)));
        }).ToList();

        SweepCsv.Table truth = SweepCsv.Read(Path.Combine(directory, GroundTruthRecord.FileName), GroundTruthRecord.Header);
        var truthRows = truth.Rows.Select(row =>
        {
            GroundTruthRecord g = GroundTruthRecord.Parse(truth, row);
            return new Kept<GroundTruthRecord>(g, row.Text, done.Contains((g.SigmaW2, g.SigmaB2)));
        }).ToList();

        // Timings are informative only: a damaged timings file must never block reading or resuming results.
        var timings = new List<SweepTiming>();
        try
        {
            SweepCsv.Table table = SweepCsv.Read(Path.Combine(directory, SweepTiming.FileName), SweepTiming.Header);
            timings.AddRange(table.Rows.Select(row => SweepTiming.Parse(table, row)));
        }
        catch (InvalidDataException)
        {
            timings.Clear();
        }
        return new Contents(results, records, curves, curveRows, truth, truthRows, timings);
    }
}
