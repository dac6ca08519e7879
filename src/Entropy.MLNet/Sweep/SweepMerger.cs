using System.Globalization;

namespace Entropy.MLNet.Sweep;

/// <summary>What <see cref="SweepMerger.Merge"/> produced.</summary>
/// <param name="Directory">The merged directory.</param>
/// <param name="Configurations">Configurations in the merged results.</param>
/// <param name="GridSize">Configurations in the whole grid.</param>
/// <param name="Inputs">The directories merged.</param>
public sealed record SweepMergeSummary(string Directory, int Configurations, int GridSize, IReadOnlyList<string> Inputs)
{
    /// <summary>Configurations of the grid no input had (a shard still running or lost); running the unsharded sweep into the merged directory computes them.</summary>
    public int Missing => GridSize - Configurations;
}

/// <summary>
/// Combines the results directories of the shards of one sweep (<c>--shard i/n</c>) into one directory equal to what an
/// unsharded run writes: settings without a shard, rows in grid order, byte-identical row text. Inputs must hold the same
/// sweep (settings equal except the shard) and no configuration twice.
/// </summary>
public static class SweepMerger
{
    /// <summary>Merges <paramref name="inputs"/> into <paramref name="outputDirectory"/> (created; must not already hold results).</summary>
    /// <exception cref="ArgumentException">No inputs, inputs of different sweeps (naming the directories and what differs), a configuration in two inputs, or an output directory that already holds results.</exception>
    /// <exception cref="FileNotFoundException">An input has no settings.json.</exception>
    /// <exception cref="InvalidDataException">An input's files are corrupt, or a finished configuration's curve is missing.</exception>
    /// <exception cref="ResultsDirectoryBusyException">Another writer holds the output directory.</exception>
    public static SweepMergeSummary Merge(IReadOnlyList<string> inputs, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("Give at least one results directory to merge.", nameof(inputs));
        }
        string fullOut = Path.GetFullPath(outputDirectory);
        foreach (string input in inputs)
        {
            if (string.Equals(Path.GetFullPath(input).TrimEnd(Path.DirectorySeparatorChar), fullOut.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
            {
                throw new ArgumentException($"The output directory '{outputDirectory}' is also an input; merge into a new directory.", nameof(outputDirectory));
            }
        }
        var loaded = inputs.Select(dir => (Dir: dir, Settings: SweepSettings.Load(dir))).ToList();
        var first = loaded[0];
        foreach (var other in loaded.Skip(1))
        {
            IReadOnlyList<string> differences = first.Settings.Differences(other.Settings);
            if (differences.Count > 0)
            {
                throw new ArgumentException($"'{first.Dir}' and '{other.Dir}' hold different sweeps: {string.Join("; ", differences)}.", nameof(inputs));
            }
        }
        SweepSettings merged = first.Settings with { Shard = null };

        var owner = new Dictionary<(double, double), string>();
        var records = new Dictionary<(double, double), string>();
        var curves = new Dictionary<(double, double), List<string>>();
        var truth = new Dictionary<(double, double), List<string>>();
        var timings = new List<string>();
        foreach (var (dir, settings) in loaded)
        {
            SweepResults.Contents contents = SweepResults.ReadContents(dir, settings);
            if (contents.IncompleteCurves.Count > 0)
            {
                throw new InvalidDataException($"{contents.CurvesTable.Path}: {contents.IncompleteCurves.Count} finished configuration(s) have no complete curve; run that shard's sweep into '{dir}' again to recompute them, then merge.");
            }
            for (int i = 0; i < contents.Records.Count; i++)
            {
                SweepRecord record = contents.Records[i];
                var key = (record.SigmaW2, record.SigmaB2);
                if (owner.TryGetValue(key, out string? previous))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Configuration σ_w² = {SweepCsv.Format(record.SigmaW2)}, σ_b² = {SweepCsv.Format(record.SigmaB2)} is in both '{previous}' and '{dir}'; each configuration must come from exactly one shard."), nameof(inputs));
                }
                owner[key] = dir;
                // Written anew, not copied: shards from before the divergenceLayer column have one field fewer.
                records[key] = record.ToCsv();
            }
            foreach (var row in contents.Curves.Where(c => c.Keep))
            {
                Group(curves, (row.Value.SigmaW2, row.Value.SigmaB2)).Add(row.Text);
            }
            foreach (var row in contents.GroundTruth.Where(c => c.Keep))
            {
                Group(truth, (row.Value.SigmaW2, row.Value.SigmaB2)).Add(row.Text);
            }
            timings.AddRange(contents.Timings.Select(t => t.ToCsv()));
        }

        Directory.CreateDirectory(outputDirectory);
        // Locked before the check, so that a sweep writing there (even one that has not written its settings yet) is seen.
        using var writer = ResultsDirectoryLock.Acquire(outputDirectory, "entropy merge");
        if (File.Exists(Path.Combine(outputDirectory, SweepSettings.FileName)) || File.Exists(Path.Combine(outputDirectory, SweepRecord.FileName)))
        {
            throw new ArgumentException($"The output directory '{outputDirectory}' already holds results; merge into a new directory.", nameof(outputDirectory));
        }
        var order = merged.Grid().Select(c => (c.SigmaW2, c.SigmaB2)).Where(records.ContainsKey).ToList();
        if (merged.GroundTruth is not null)
        {
            DurableFile.Replace(Path.Combine(outputDirectory, GroundTruthRecord.FileName),
                Lines(GroundTruthRecord.Header, order.SelectMany(k => truth.GetValueOrDefault(k) ?? [])));
        }
        DurableFile.Replace(Path.Combine(outputDirectory, SweepCurvePoint.FileName),
            Lines(SweepCurvePoint.Header, order.SelectMany(k => curves.GetValueOrDefault(k) ?? [])));
        DurableFile.Replace(Path.Combine(outputDirectory, SweepRecord.FileName), Lines(SweepRecord.Header, order.Select(k => records[k])));
        DurableFile.Replace(Path.Combine(outputDirectory, SweepTiming.FileName), Lines(SweepTiming.Header, timings));
        DurableFile.Replace(Path.Combine(outputDirectory, SweepSettings.FileName), merged.ToJson());
        CopyReconstructions(inputs, outputDirectory);
        return new SweepMergeSummary(outputDirectory, order.Count, merged.GridSize, [.. inputs]);
    }

    private static List<string> Group(Dictionary<(double, double), List<string>> groups, (double, double) key)
    {
        if (!groups.TryGetValue(key, out List<string>? list))
        {
            list = [];
            groups[key] = list;
        }
        return list;
    }

    private static string Lines(IReadOnlyList<string> header, IEnumerable<string> rows)
        => string.Join(',', header) + "\n" + string.Concat(rows.Select(r => r + "\n"));

    private static void CopyReconstructions(IReadOnlyList<string> inputs, string outputDirectory)
    {
        foreach (string input in inputs)
        {
            string recon = Path.Combine(input, "recon");
            if (!Directory.Exists(recon))
            {
                continue;
            }
            string target = Path.Combine(outputDirectory, "recon");
            Directory.CreateDirectory(target);
            foreach (string file in Directory.EnumerateFiles(recon, "*.png"))
            {
                DurableFile.Replace(Path.Combine(target, Path.GetFileName(file)), copy =>
                {
                    using var source = File.OpenRead(file);
                    source.CopyTo(copy);
                });
            }
        }
    }
}
