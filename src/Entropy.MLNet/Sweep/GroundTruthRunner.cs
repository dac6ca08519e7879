using System.Diagnostics;
using Entropy.MLNet.Data;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Training;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// Generates a ground-truth set (docs/ground-truth.md) into a directory: for every configuration of the grid (or of a
/// shard), a depth search of trained networks, without probes. A set of a convolutional family
/// (<see cref="GroundTruthSetSettings.Architecture"/>) trains that family's network (the probe's, with its head).
/// <para>
/// Durability: every finished training is appended to trials.csv and fsynced before the next starts, and a
/// configuration's boundaries.csv row once its search ends; kill -9 loses at most the training in flight. Running
/// again with the same settings resumes: a half-written last line is dropped, finished configurations are skipped, and
/// the search of the configuration in flight replays its recorded trainings (each training's seed depends only on the
/// set seed, the configuration and the depth, so the search asks for the same depths). Different settings are refused.
/// </para>
/// </summary>
public static class GroundTruthRunner
{
    /// <summary>Runs (or resumes) <paramref name="settings"/> into <paramref name="directory"/>.</summary>
    /// <param name="settings">The set; validated first.</param>
    /// <param name="train">Training images.</param>
    /// <param name="test">Test images.</param>
    /// <param name="directory">The set's directory; created when missing.</param>
    /// <param name="device">Compute device.</param>
    /// <param name="threads">TorchSharp intra-op threads; null keeps the current setting.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="ct">Cancellation, checked between batches; finished trainings are kept.</param>
    /// <returns>The directory read back.</returns>
    /// <exception cref="ArgumentException">Invalid settings, or the directory holds a different set (the message names what differs).</exception>
    /// <exception cref="InvalidDataException">A file is corrupt beyond a truncated last line.</exception>
    public static GroundTruthSet Run(GroundTruthSetSettings settings, ImageDataset train, ImageDataset test, string directory,
        DeviceKind device = DeviceKind.Auto, int? threads = null, IProgress<GroundTruthSetProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        settings.Validate();
        IReadOnlyList<SweepConfiguration> grid = settings.Grid();
        // Check the training options against the data before touching the directory.
        GroundTruthOptions deepestOptions = settings.ToOptions(grid[0].SigmaW2, grid[0].SigmaB2, settings.MaxDepth);
        var convolutional = Architectures.ArchitectureCatalog.Get(settings.Family) as Architectures.Convolutional.ConvolutionalArchitecture;
        if (convolutional is null)
        {
            deepestOptions.Validate(train, test);
        }
        else
        {
            _ = Architectures.Convolutional.ConvolutionalGroundTruth.Check(train, test, deepestOptions, convolutional.Kind, settings.EffectiveChannels!.Value);
        }
        using FileStream writerLock = Lock(directory);
        Prepare(settings, directory);
        GroundTruthSet existing = GroundTruthSet.Load(directory);
        var done = existing.Boundaries.Select(b => (b.SigmaW2, b.SigmaB2)).ToHashSet();
        var recorded = new Dictionary<(double, double, int), GroundTruthTrial>();
        foreach (GroundTruthTrial t in existing.Trials)
        {
            recorded[(t.SigmaW2, t.SigmaB2, t.Depth)] = t;
        }
        string width = Networks.NetworkWidth.Parse(settings.Width).ToString();
        IReadOnlyList<SweepConfiguration> configurations = settings.ShardConfigurations();
        int resumed = configurations.Count(c => done.Contains((c.SigmaW2, c.SigmaB2)));
        int completed = resumed;
        string trialsPath = Path.Combine(directory, GroundTruthTrial.FileName);
        string boundariesPath = Path.Combine(directory, GroundTruthBoundary.FileName);
        progress?.Report(new GroundTruthSetProgress(completed, configurations.Count, resumed, null, false, null));

        foreach (SweepConfiguration config in configurations)
        {
            if (done.Contains((config.SigmaW2, config.SigmaB2)))
            {
                continue;
            }
            var trials = new List<GroundTruthTrial>();
            bool Trained(int depth)
            {
                ct.ThrowIfCancellationRequested();
                if (recorded.TryGetValue((config.SigmaW2, config.SigmaB2, depth), out GroundTruthTrial? old))
                {
                    trials.Add(old);
                    progress?.Report(new GroundTruthSetProgress(completed, configurations.Count, resumed, old, true, null));
                    return old.Trained;
                }
                var watch = Stopwatch.StartNew();
                GroundTruthOptions options = settings.ToOptions(config.SigmaW2, config.SigmaB2, depth) with { Device = device, Threads = threads };
                GroundTruthResult result = convolutional is null
                    ? GroundTruthTrainer.Train(train, test, options, null, ct)
                    : Architectures.Convolutional.ConvolutionalGroundTruth.Train(train, test, options, convolutional.Kind, settings.EffectiveChannels!.Value, null, ct);
                var trial = new GroundTruthTrial
                {
                    Dataset = settings.Dataset,
                    Width = width,
                    Activation = settings.Activation,
                    SigmaW2 = config.SigmaW2,
                    SigmaB2 = config.SigmaB2,
                    Seed = settings.Seed,
                    Steps = settings.Steps,
                    Threshold = settings.Threshold,
                    Depth = depth,
                    Trained = result.Trainable,
                    Accuracy = result.BestTestAccuracy,
                    StepsRun = result.StepsRun,
                    Seconds = watch.Elapsed.TotalSeconds,
                    TrainingSeed = options.Seed,
                };
                DurableFile.Append(trialsPath, trial.ToCsv() + "\n");
                recorded[(config.SigmaW2, config.SigmaB2, depth)] = trial;
                trials.Add(trial);
                progress?.Report(new GroundTruthSetProgress(completed, configurations.Count, resumed, trial, false, null));
                return trial.Trained;
            }

            int deepest;
            bool? monotonic = null;
            if (settings.Search == "scan")
            {
                (deepest, bool m) = Scan([.. settings.ScanDepths().Select(d => (d, Trained(d)))]);
                monotonic = m;
            }
            else
            {
                deepest = TrainableDepthSearch.Bisection(Trained, settings.MinDepth, settings.MaxDepth).MaxTrainableDepth;
            }
            var boundary = new GroundTruthBoundary
            {
                Dataset = settings.Dataset,
                Width = width,
                Activation = settings.Activation,
                SigmaW2 = config.SigmaW2,
                SigmaB2 = config.SigmaB2,
                Seed = settings.Seed,
                Steps = settings.Steps,
                MinDepth = settings.MinDepth,
                MaxDepth = settings.MaxDepth,
                Status = deepest == 0 ? GroundTruthBoundaryStatus.None
                    : deepest >= settings.MaxDepth ? GroundTruthBoundaryStatus.Censored : GroundTruthBoundaryStatus.Found,
                MaxTrainableDepth = deepest,
                Trainings = trials.Count,
                Monotonic = monotonic,
                Seconds = trials.Sum(t => t.Seconds),
            };
            DurableFile.Append(boundariesPath, boundary.ToCsv() + "\n");
            completed++;
            progress?.Report(new GroundTruthSetProgress(completed, configurations.Count, resumed, null, false, boundary));
        }
        return GroundTruthSet.Load(directory);
    }

    /// <summary>
    /// A scan's boundary: the deepest depth that trained (0 when none did), and whether every scanned depth at or below
    /// it trained too (the monotonicity bisection assumes).
    /// </summary>
    internal static (int Deepest, bool Monotonic) Scan(IReadOnlyList<(int Depth, bool Trained)> outcomes)
    {
        int deepest = outcomes.Where(o => o.Trained).Select(o => o.Depth).DefaultIfEmpty(0).Max();
        return (deepest, outcomes.Where(o => o.Depth <= deepest).All(o => o.Trained));
    }

    // One writer per directory: a second process would append the same trainings twice.
    private static FileStream Lock(string directory)
    {
        string path = Path.Combine(directory, ".lock");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the ground-truth directory '{directory}': {ex.Message}", ex);
        }
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"'{directory}' is being written by another 'entropy groundtruth' (its .lock is held); wait for it or use another directory.", ex);
        }
    }

    private static void Prepare(GroundTruthSetSettings settings, string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the ground-truth directory '{directory}': {ex.Message}", ex);
        }
        string settingsPath = Path.Combine(directory, GroundTruthSetSettings.FileName);
        if (File.Exists(settingsPath))
        {
            GroundTruthSetSettings existing = GroundTruthSetSettings.Load(directory);
            IReadOnlyList<string> differences = existing.Differences(settings);
            if (differences.Count > 0)
            {
                throw new ArgumentException(
                    $"'{directory}' holds a different ground-truth set: {string.Join("; ", differences)} (existing vs requested). Use another directory.", nameof(directory));
            }
            if (!Equals(existing.Shard, settings.Shard))
            {
                throw new ArgumentException(
                    $"'{directory}' holds {(existing.Shard is null ? "the whole grid" : $"shard {existing.Shard}")}, not {(settings.Shard is null ? "the whole grid" : $"shard {settings.Shard}")}; give each shard its own directory.", nameof(directory));
            }
        }
        else
        {
            if (File.Exists(Path.Combine(directory, GroundTruthTrial.FileName)))
            {
                throw new InvalidDataException($"'{directory}' has {GroundTruthTrial.FileName} but no {GroundTruthSetSettings.FileName}; it cannot be resumed safely. Use another directory.");
            }
            DurableFile.Replace(settingsPath, settings.ToJson());
        }
        Repair(Path.Combine(directory, GroundTruthTrial.FileName), GroundTruthTrial.Header, settings.MaxCsvBytes);
        Repair(Path.Combine(directory, GroundTruthBoundary.FileName), GroundTruthBoundary.Header, settings.MaxCsvBytes);
    }

    // Creates a missing (or header-less) file and drops a half-written last line.
    private static void Repair(string path, IReadOnlyList<string> header, long maxBytes)
    {
        SweepCsv.Table table = SweepCsv.Read(path, header, maxBytes);
        if (!File.Exists(path) || table.CompleteLength == 0)
        {
            DurableFile.Replace(path, string.Join(',', header) + "\n");
        }
        else if (table.TruncatedTail)
        {
            DurableFile.Truncate(path, table.CompleteLength);
        }
    }
}
