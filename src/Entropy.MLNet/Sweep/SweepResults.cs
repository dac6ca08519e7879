namespace Entropy.MLNet.Sweep;

/// <summary>
/// A sweep results directory read back: settings, one <see cref="SweepRecord"/> per finished configuration, the
/// entropy curves, the ground-truth trainings and the timings, each sorted by (σ_b², σ_w²[, layer or depth]).
/// Reading never modifies the directory; rows a crash left half-written (a last line without '\n', curve or
/// ground-truth rows of a configuration whose results row is missing) are left out, as a resumed sweep drops them.
/// <para>
/// Every row is checked against the settings as it is read: configurations on the grid, cutoffs and layers within the
/// probe's curve, depths within the sweep's depth, finite values where no other value can be written (σ's, χ_1,
/// accuracies; ξ_c may be +∞; the curve's value columns may hold non-finite values of a diverging network). A file
/// larger than the settings' rows can fill is refused before it is read.
/// </para>
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
    /// <exception cref="InvalidDataException">A file is corrupt (the message names the file and line), or a row belongs to no configuration of the grid, or repeats one, or a finished configuration's curve is missing or incomplete.</exception>
    public static SweepResults Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        SweepSettings settings = SweepSettings.Load(directory);
        Contents contents = ReadContents(directory, settings);
        if (contents.IncompleteCurves.Count > 0)
        {
            var (w, b) = contents.IncompleteCurves[0];
            throw new InvalidDataException(
                $"{contents.CurvesTable.Path}: the curve of σ_w² = {SweepCsv.Format(w)}, σ_b² = {SweepCsv.Format(b)} is missing or incomplete although {SweepRecord.FileName} lists it as finished "
                + $"({contents.IncompleteCurves.Count} configuration(s) affected); running the same sweep into this directory again recomputes them.");
        }
        SweepCurvePoint[] curves = [.. contents.Curves.Where(c => c.Keep).Select(c => c.Value).OrderBy(p => p.SigmaB2).ThenBy(p => p.SigmaW2).ThenBy(p => p.Layer)];
        return new SweepResults(directory, settings,
            SweepPredictions.With(contents.Records.OrderBy(r => r.SigmaB2).ThenBy(r => r.SigmaW2), curves, SweepPredictions.CalibrationFor(settings)),
            curves,
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
        IReadOnlyList<SweepTiming> Timings,
        IReadOnlyList<(double SigmaW2, double SigmaB2)> IncompleteCurves);

    /// <summary>Largest CSV row the sweep writes is about 300 bytes; files are bounded by their rows times this.</summary>
    internal const int MaxRowBytes = 512;

    /// <summary>Curve layers per configuration: the probe's depth less its excluded last layers.</summary>
    internal static int CurveLength(SweepSettings settings)
    {
        var probe = SweepRunner.ToProbeOptions(settings, settings.Grid()[0]);
        // A convolutional family decodes its stem too: more layers than its depth.
        int layers = Architectures.ArchitectureCatalog.Get(probe.Architecture) is Architectures.Convolutional.ConvolutionalArchitecture conv
            ? conv.LayersAt(probe.Depth)
            : probe.Depth;
        return layers - probe.ExcludedLastLayers;
    }

    internal static Contents ReadContents(string directory, SweepSettings settings)
    {
        var grid = settings.Grid().ToDictionary(c => (c.SigmaW2, c.SigmaB2));
        int curveLength = CurveLength(settings);
        // One more configuration than the grid: the rows of the configuration a crash cut short.
        long configurations = grid.Count + 1L;
        SweepCsv.Table results = SweepCsv.Read(Path.Combine(directory, SweepRecord.FileName), SweepRecord.RequiredHeader, (configurations + 1) * MaxRowBytes);
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
            CheckRecord(results, row, record, settings.MaxDepth, curveLength);
            records.Add(record);
        }

        SweepCsv.Table curves = SweepCsv.Read(Path.Combine(directory, SweepCurvePoint.FileName), SweepCurvePoint.Header, ((configurations * curveLength) + 1) * MaxRowBytes);
        var layers = new Dictionary<(double, double), HashSet<int>>();
        var parsedCurves = curves.Rows.Select(row =>
        {
            SweepCurvePoint p = SweepCurvePoint.Parse(curves, row);
            if (p.Layer < 1 || p.Layer > curveLength)
            {
                throw new InvalidDataException($"{curves.Path}: line {row.LineNumber}: layer {p.Layer} is outside this sweep's curve (layers 1 to {curveLength} at depth {settings.MaxDepth}).");
            }
            if (done.Contains((p.SigmaW2, p.SigmaB2)))
            {
                if (!layers.TryGetValue((p.SigmaW2, p.SigmaB2), out var seen))
                {
                    layers[(p.SigmaW2, p.SigmaB2)] = seen = [];
                }
                if (!seen.Add(p.Layer))
                {
                    throw new InvalidDataException($"{curves.Path}: line {row.LineNumber}: layer {p.Layer} of σ_w² = {SweepCsv.Format(p.SigmaW2)}, σ_b² = {SweepCsv.Format(p.SigmaB2)} appears twice.");
                }
            }
            return (Point: p, Row: row);
        }).ToList();
        // A finished configuration must have its whole curve (curves.csv deleted or cut short by hand must not pass for "no curve").
        var incomplete = records.Where(r => !layers.TryGetValue((r.SigmaW2, r.SigmaB2), out var seen) || seen.Count != curveLength)
            .Select(r => (r.SigmaW2, r.SigmaB2)).ToList();
        var complete = done.Except(incomplete).ToHashSet();
        var curveRows = parsedCurves.Select(c => new Kept<SweepCurvePoint>(c.Point, c.Row.Text, complete.Contains((c.Point.SigmaW2, c.Point.SigmaB2)))).ToList();

        SweepCsv.Table truth = SweepCsv.Read(Path.Combine(directory, GroundTruthRecord.FileName), GroundTruthRecord.Header, ((configurations * (settings.MaxDepth + 1)) + 1) * MaxRowBytes);
        var truthRows = truth.Rows.Select(row =>
        {
            GroundTruthRecord g = GroundTruthRecord.Parse(truth, row);
            CheckGroundTruth(truth, row, g, settings.MaxDepth);
            return new Kept<GroundTruthRecord>(g, row.Text, done.Contains((g.SigmaW2, g.SigmaB2)));
        }).ToList();

        // Timings are informative only: a damaged timings file must never block reading or resuming results.
        var timings = new List<SweepTiming>();
        try
        {
            SweepCsv.Table table = SweepCsv.Read(Path.Combine(directory, SweepTiming.FileName), SweepTiming.Header, ((configurations * 100) + 1) * MaxRowBytes);
            timings.AddRange(table.Rows.Select(row => SweepTiming.Parse(table, row)));
        }
        catch (InvalidDataException)
        {
            timings.Clear();
        }
        return new Contents(results, records, curves, curveRows, truth, truthRows, timings, incomplete);
    }

    // Values the sweep can never write: a hand-edited or foreign row, refused before it reaches a report or a resume.
    private static void CheckRecord(SweepCsv.Table table, SweepCsv.Row row, SweepRecord r, int maxDepth, int curveLength)
    {
        if (r.MaxDepth != maxDepth)
        {
            throw SweepCsv.Bad(table, row, 2, $"this sweep's depth {maxDepth}");
        }
        if (r.Cutoff < 0 || r.Cutoff > curveLength)
        {
            throw SweepCsv.Bad(table, row, 3, $"a cutoff from 0 to the curve length {curveLength}");
        }
        if (r.DifferentialCutoff is { } d && (d < 0 || d > curveLength))
        {
            throw SweepCsv.Bad(table, row, 4, $"empty or a cutoff from 0 to the curve length {curveLength}");
        }
        if (r.Chi1 is { } chi && !(double.IsFinite(chi) && chi >= 0))
        {
            throw SweepCsv.Bad(table, row, 5, "empty or a finite number of at least 0");
        }
        if (r.XiC is { } xi && !(xi >= 0))
        {
            throw SweepCsv.Bad(table, row, 6, "empty, a number of at least 0 or Infinity");
        }
        if (r.SixXiC is { } six && !(six >= 0))
        {
            throw SweepCsv.Bad(table, row, 7, "empty, a number of at least 0 or Infinity");
        }
        if (r.GtMaxTrainableDepth is { } gt && (gt < 0 || gt > maxDepth))
        {
            throw SweepCsv.Bad(table, row, 10, $"empty or a depth from 0 to {maxDepth}");
        }
        if (r.GtTestAccuracy is { } acc && !(acc is >= 0 and <= 1))
        {
            throw SweepCsv.Bad(table, row, 11, "empty or an accuracy from 0 to 1");
        }
    }

    private static void CheckGroundTruth(SweepCsv.Table table, SweepCsv.Row row, GroundTruthRecord g, int maxDepth)
    {
        if (g.Depth < 1 || g.Depth > maxDepth)
        {
            throw SweepCsv.Bad(table, row, 2, $"a depth from 1 to {maxDepth}");
        }
        if (!(g.BestTestAccuracy is >= 0 and <= 1))
        {
            throw SweepCsv.Bad(table, row, 4, "an accuracy from 0 to 1");
        }
        if (g.Epochs < 0)
        {
            throw SweepCsv.Bad(table, row, 5, "a count of at least 0");
        }
    }
}
