using System.Diagnostics;
using System.Globalization;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Training;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// Runs a sweep into a results directory (format: <see cref="SweepResults"/>): one probe of the maximum depth per
/// (σ_w², σ_b²) — its curve answers every depth ≤ D — plus optional ground truth and mean-field columns.
/// <para>
/// Durability: each configuration's ground-truth rows, then its curve rows, then its results row are appended and
/// fsynced as it finishes, so a crash, Ctrl+C or kill -9 loses at most the configuration in flight. Running again into
/// the same directory with the same settings resumes: the half-written tail is dropped, finished configurations are
/// skipped, and because each configuration's seed depends only on the sweep seed and the configuration
/// (<see cref="SweepSeeds"/>), the files end up byte-identical to an uninterrupted run's. Different settings are refused.
/// </para>
/// <para>
/// A resume also repairs what a crash or a hand cannot be allowed to lose silently: a finished configuration whose curve
/// is missing or incomplete (curves.csv deleted or cut) and, when pictures are on, a missing or empty reconstruction
/// picture are recomputed from the configuration's seed. Pictures are written atomically before the configuration's
/// rows. One writer at a time: the directory is locked (<see cref="ResultsDirectoryLock"/>) for the whole run.
/// </para>
/// </summary>
public static class SweepRunner
{
    /// <summary>Runs (or resumes) the sweep <paramref name="settings"/> into <paramref name="outputDirectory"/>.</summary>
    /// <param name="settings">The sweep; validated first.</param>
    /// <param name="train">Training images (probe decoders and ground truth).</param>
    /// <param name="test">Test images (entropy sample and ground-truth accuracy).</param>
    /// <param name="outputDirectory">The results directory; created when missing.</param>
    /// <param name="options">Device, threads, pictures.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="ct">Cancellation; results already written are kept.</param>
    /// <exception cref="ArgumentException">Invalid settings, or the directory holds a different sweep (the message names what differs).</exception>
    /// <exception cref="InvalidDataException">A results file is corrupt beyond a truncated last line (the message names the file and line).</exception>
    /// <exception cref="IOException">The directory cannot be created or written.</exception>
    /// <exception cref="ResultsDirectoryBusyException">Another writer holds the directory (the message names it).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static SweepRunSummary Run(SweepSettings settings, ImageDataset train, ImageDataset test, string outputDirectory,
        SweepRunOptions? options = null, IProgress<SweepProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        options ??= new SweepRunOptions();
        settings.Validate();
        var watch = Stopwatch.StartNew();
        NetworkWidth width = NetworkWidth.Parse(settings.Width);
        Activation activation = Activation.Parse(settings.Activation);
        // Check the probe settings against the data before touching the directory.
        ToProbeOptions(settings, settings.Grid()[0], width, activation, options).Validate(train, test);

        var recovered = new List<string>();
        using ResultsDirectoryLock writer = Lock(outputDirectory);
        SweepResults.Contents contents = Prepare(settings, outputDirectory, recovered);
        var done = contents.Records.Select(r => (r.SigmaW2, r.SigmaB2)).ToHashSet();
        var curveMissing = contents.IncompleteCurves.ToHashSet();
        if (curveMissing.Count > 0)
        {
            recovered.Add($"{SweepCurvePoint.FileName}: the curve of {curveMissing.Count} finished configuration(s) was missing or incomplete; recomputed");
        }
        IReadOnlyList<SweepConfiguration> configurations = settings.ShardConfigurations();
        int resumed = configurations.Count(c => done.Contains((c.SigmaW2, c.SigmaB2)));
        int completed = resumed;
        int ran = 0;
        var records = new List<SweepRecord>(contents.Records);
        var newCurves = new List<SweepCurvePoint>();
        double workGflop = 0;
        double faithfulGflop = 0;
        progress?.Report(new SweepProgress(completed, configurations.Count, resumed, null, "start", 0, null));
        string machine = Environment.MachineName;

        foreach (SweepConfiguration config in configurations)
        {
            if (done.Contains((config.SigmaW2, config.SigmaB2)))
            {
                RepairFinished(settings, config, contents, curveMissing.Contains((config.SigmaW2, config.SigmaB2)), train, test, width, activation, options, outputDirectory, recovered, ct);
                continue;
            }
            ct.ThrowIfCancellationRequested();
            int completedSoFar = completed;
            var probeProgress = progress is null ? null : new Progress(p =>
                progress.Report(new SweepProgress(completedSoFar, configurations.Count, resumed, config, "probe", p.Phase == ProbePhase.Training ? p.Fraction : p.Phase == ProbePhase.Done ? 1 : 0, null)));
            var probeWatch = Stopwatch.StartNew();
            ProbeResult probe = ReconstructionProbe.Run(train, test, ToProbeOptions(settings, config, width, activation, options), probeProgress, ct);
            double probeSeconds = probeWatch.Elapsed.TotalSeconds;

            var truthRows = new List<GroundTruthRecord>();
            int? gtDepth = null;
            double? gtAccuracy = null;
            double truthSeconds = 0;
            if (settings.GroundTruth is { } gt)
            {
                var truthWatch = Stopwatch.StartNew();
                (gtDepth, gtAccuracy) = GroundTruth(settings, gt, config, width, activation, train, test, options, truthRows,
                    depth => progress?.Report(new SweepProgress(completedSoFar, configurations.Count, resumed, config, $"ground truth depth {depth}", 1, null)), ct);
                truthSeconds = truthWatch.Elapsed.TotalSeconds;
            }

            SweepRecord record = ToRecord(settings, config, probe, gtDepth, gtAccuracy);
            // Order matters for crash safety: a configuration counts as done only once its results row is on disk,
            // and by then its picture is whole.
            WriteReconstructions(outputDirectory, config, probe, options);
            if (truthRows.Count > 0)
            {
                DurableFile.Append(Path.Combine(outputDirectory, GroundTruthRecord.FileName), string.Concat(truthRows.Select(r => r.ToCsv() + "\n")));
            }
            IReadOnlyList<SweepCurvePoint> curve = SweepCurvePoint.FromProbe(probe);
            newCurves.AddRange(curve);
            DurableFile.Append(Path.Combine(outputDirectory, SweepCurvePoint.FileName), string.Concat(curve.Select(p => p.ToCsv() + "\n")));
            DurableFile.Append(Path.Combine(outputDirectory, SweepRecord.FileName), record.ToCsv() + "\n");
            DurableFile.Append(Path.Combine(outputDirectory, SweepTiming.FileName), new SweepTiming
            {
                SigmaW2 = config.SigmaW2,
                SigmaB2 = config.SigmaB2,
                ProbeSeconds = probeSeconds,
                GroundTruthSeconds = truthSeconds,
                Threads = probe.Threads,
                Machine = machine,
            }.ToCsv() + "\n");
            if (probe.WorkGflop is { } work && probe.FaithfulWorkGflop is { } faithful)
            {
                // A record of the work (the FLOP model's numbers), for the performance report; resume never reads it.
                string workPath = Path.Combine(outputDirectory, SweepWork.FileName);
                if (!File.Exists(workPath))
                {
                    DurableFile.Append(workPath, SweepWork.Header + "\n");
                }
                DurableFile.Append(workPath, new SweepWork(config.SigmaW2, config.SigmaB2, settings.Mode, work, faithful, probe.TrainImagesUsed, probe.MeasuredLayers, probeSeconds).ToCsv() + "\n");
                workGflop += work;
                faithfulGflop += faithful;
            }
            records.Add(record);
            completed++;
            ran++;
            progress?.Report(new SweepProgress(completed, configurations.Count, resumed, null, "done", 1, record));
        }
        // The score lines: every row gets the calibrated prediction from its curve (resumed rows from curves.csv).
        IEnumerable<SweepCurvePoint> curves = contents.Curves.Where(c => c.Keep).Select(c => c.Value).Concat(newCurves);
        return new SweepRunSummary(outputDirectory, SweepPredictions.With(records.OrderBy(r => r.SigmaB2).ThenBy(r => r.SigmaW2), curves, SweepPredictions.CalibrationFor(settings)),
            ran, resumed, recovered, watch.Elapsed.TotalSeconds) { WorkGflop = workGflop, FaithfulGflop = faithfulGflop };
    }

    /// <summary>The probe options of one configuration of a sweep.</summary>
    public static ProbeOptions ToProbeOptions(SweepSettings settings, SweepConfiguration configuration, SweepRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(configuration);
        return ToProbeOptions(settings, configuration, NetworkWidth.Parse(settings.Width), Activation.Parse(settings.Activation), options ?? new SweepRunOptions());
    }

    private static ProbeOptions ToProbeOptions(SweepSettings settings, SweepConfiguration config, NetworkWidth width, Activation activation, SweepRunOptions options) => new()
    {
        Architecture = settings.Architecture ?? ArchitectureCatalog.MlpName,
        Channels = settings.Channels,
        SigmaW2 = config.SigmaW2,
        SigmaB2 = config.SigmaB2,
        Depth = settings.MaxDepth,
        Width = width,
        Activation = activation,
        TrainSamples = settings.TrainSamples,
        Epochs = settings.Epochs,
        BatchSize = settings.BatchSize,
        LearningRate = settings.LearningRate,
        Seed = config.Seed,
        EntropySamples = settings.EntropySamples,
        ReconstructionImages = Math.Min(options.PictureImages, settings.EntropySamples),
        CutoffTolerance = settings.CutoffTolerance,
        // settings.Mode is one of the modes' names (SweepSettings.Validate).
        Mode = ProbeModeNames.Parse(settings.Mode) ?? ProbeMode.Faithful,
        Device = options.Device,
        Threads = options.Threads,
    };

    /// <summary>The results row of a finished probe (theory columns from Theory/ when it knows the activation).</summary>
    internal static SweepRecord ToRecord(SweepSettings settings, SweepConfiguration config, ProbeResult probe, int? gtDepth, double? gtAccuracy)
    {
        double? chi1 = null;
        double? xiC = null;
        // Mean-field lines hold for the MLP and (with fan_in = C·k²) the CNN; the ResNet gets none.
        if (settings.Architecture != Architectures.Convolutional.ConvolutionalArchitecture.ResNetName
            && SweepTheory.TryEvaluate(settings.Activation, config.SigmaW2, config.SigmaB2, out double c, out double x))
        {
            chi1 = c;
            xiC = x;
        }
        return new SweepRecord
        {
            SigmaW2 = config.SigmaW2,
            SigmaB2 = config.SigmaB2,
            MaxDepth = settings.MaxDepth,
            Cutoff = probe.Cutoff,
            DivergenceLayer = probe.DivergenceLayer,
            DifferentialCutoff = probe.DifferentialCutoff,
            Chi1 = chi1,
            XiC = xiC,
            SixXiC = xiC is { } xi ? 6.0 * xi : null,
            Phase = chi1 is { } ch ? TrainabilityScore.Verdict(ch) : null,
            Seed = config.Seed,
            GtMaxTrainableDepth = gtDepth,
            GtTestAccuracy = gtAccuracy,
        };
    }

    private static (int Depth, double Accuracy) GroundTruth(SweepSettings settings, GroundTruthSettings gt, SweepConfiguration config,
        NetworkWidth width, Activation activation, ImageDataset train, ImageDataset test, SweepRunOptions options,
        List<GroundTruthRecord> rows, Action<int> onDepth, CancellationToken ct)
    {
        var results = new Dictionary<int, GroundTruthResult>();
        bool Trainable(int depth)
        {
            onDepth(depth);
            GroundTruthResult result = GroundTruthTrainer.Train(train, test, new GroundTruthOptions
            {
                SigmaW2 = config.SigmaW2,
                SigmaB2 = config.SigmaB2,
                Depth = depth,
                Width = width,
                Activation = activation,
                Optimizer = GroundTruthOptions.ParseOptimizer(gt.Optimizer),
                LearningRate = gt.LearningRate,
                BatchSize = gt.BatchSize,
                Epochs = gt.Epochs,
                Threshold = gt.Threshold,
                TrainSamples = gt.TrainSamples,
                DoubleSoftmax = gt.DoubleSoftmax,
                Seed = SweepSeeds.GroundTruth(settings.Seed, config.SigmaW2, config.SigmaB2, depth),
                Device = options.Device,
                Threads = options.Threads,
            }, null, ct);
            results[depth] = result;
            rows.Add(new GroundTruthRecord
            {
                SigmaW2 = config.SigmaW2,
                SigmaB2 = config.SigmaB2,
                Depth = depth,
                Trainable = result.Trainable,
                BestTestAccuracy = result.BestTestAccuracy,
                Epochs = result.EpochsRun,
            });
            return result.Trainable;
        }
        DepthSearchResult search = TrainableDepthSearch.Search(Trainable, TrainableDepthSearch.ParseMethod(gt.Search), settings.MaxDepth, gt.StaircaseStep);
        int reported = search.MaxTrainableDepth > 0 ? search.MaxTrainableDepth : search.Trials.Min(t => t.Depth);
        return (search.MaxTrainableDepth, results[reported].BestTestAccuracy);
    }

    /// <summary>Creates the directory and takes its lock.</summary>
    private static ResultsDirectoryLock Lock(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            return ResultsDirectoryLock.Acquire(directory, "entropy sweep");
        }
        catch (Exception ex) when (ex is (IOException and not ResultsDirectoryBusyException) or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the results directory '{directory}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Recomputes what a finished configuration lost: its curve (rows dropped by <see cref="Prepare"/>) or its picture
    /// (missing or empty while this run writes pictures into an existing recon/; a directory swept without pictures is
    /// not probed again for them). The probe runs again with the configuration's seed.
    /// </summary>
    private static void RepairFinished(SweepSettings settings, SweepConfiguration config, SweepResults.Contents contents, bool curveMissing,
        ImageDataset train, ImageDataset test, NetworkWidth width, Activation activation, SweepRunOptions options, string directory,
        List<string> recovered, CancellationToken ct)
    {
        string picture = Path.Combine(directory, SweepFiles.ReconstructionFolder, SweepFiles.ReconstructionFileName(config.SigmaW2, config.SigmaB2));
        bool pictureMissing = options.PictureImages > 0 && Directory.Exists(Path.GetDirectoryName(picture))
            && (!File.Exists(picture) || new FileInfo(picture).Length == 0);
        if (!curveMissing && !pictureMissing)
        {
            return;
        }
        ct.ThrowIfCancellationRequested();
        ProbeResult probe = ReconstructionProbe.Run(train, test, ToProbeOptions(settings, config, width, activation, options), null, ct);
        WriteReconstructions(directory, config, probe, options);
        if (pictureMissing)
        {
            recovered.Add($"{SweepFiles.ReconstructionFolder}/{Path.GetFileName(picture)}: was missing or empty; redrawn");
        }
        if (curveMissing)
        {
            DurableFile.Append(Path.Combine(directory, SweepCurvePoint.FileName), string.Concat(SweepCurvePoint.FromProbe(probe).Select(p => p.ToCsv() + "\n")));
            SweepRecord record = contents.Records.First(r => r.SigmaW2 == config.SigmaW2 && r.SigmaB2 == config.SigmaB2);
            if (record.Cutoff != probe.Cutoff)
            {
                recovered.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{SweepCurvePoint.FileName}: the recomputed curve of σ_w² = {SweepCsv.Format(config.SigmaW2)}, σ_b² = {SweepCsv.Format(config.SigmaB2)} has cutoff {probe.Cutoff}, {SweepRecord.FileName} says {record.Cutoff} (another device or thread count?)"));
            }
        }
    }

    private static string Named(SweepCalibration? calibration) => calibration is null ? "none" : $"'{calibration.Name}'";

    private static SweepResults.Contents Prepare(SweepSettings settings, string directory, List<string> recovered)
    {
        string settingsPath = Path.Combine(directory, SweepSettings.FileName);
        try
        {
            if (File.Exists(settingsPath))
            {
                SweepSettings existing = SweepSettings.Load(directory);
                IReadOnlyList<string> differences = existing.Differences(settings);
                if (differences.Count > 0)
                {
                    // The one difference a user meets after an upgrade: a faithful directory resumed with the adaptive default.
                    string hint = existing.Mode != settings.Mode
                        ? $" A {existing.Mode} sweep resumes only in {existing.Mode} mode (entropy sweep --{existing.Mode})."
                        : string.Empty;
                    // After an upgrade that changed the calibration: the directory's predictions came from another one.
                    if (!Equals(existing.Calibration, settings.Calibration))
                    {
                        hint += $" This directory's predictions use the calibration {Named(existing.Calibration)}; this version of Entropy.MLNet uses {Named(settings.Calibration)} for this probe budget: resume it with the version that wrote it.";
                    }
                    throw new ArgumentException(
                        $"'{directory}' holds results of a different sweep: {string.Join("; ", differences)} (existing vs requested).{hint} Use another output directory, or delete this one to start over.", nameof(directory));
                }
                if (!Equals(existing.Shard, settings.Shard))
                {
                    throw new ArgumentException(
                        $"'{directory}' holds {(existing.Shard is null ? "the whole grid" : $"shard {existing.Shard}")}, not {(settings.Shard is null ? "the whole grid" : $"shard {settings.Shard}")}. Give each shard its own directory and combine them with 'entropy merge'.", nameof(directory));
                }
            }
            else
            {
                if (File.Exists(Path.Combine(directory, SweepRecord.FileName)))
                {
                    throw new InvalidDataException($"'{directory}' has {SweepRecord.FileName} but no {SweepSettings.FileName}; it cannot be resumed safely. Use another output directory.");
                }
                DurableFile.Replace(settingsPath, settings.ToJson());
            }

            SweepResults.Contents contents = SweepResults.ReadContents(directory, settings);
            if (contents.ResultsTable.CompleteLength > 0 && !SweepRecord.HasDivergenceColumn(contents.ResultsTable))
            {
                // A results file from before the divergenceLayer column: append an empty one to every complete row, so
                // that the rows this run appends fit the header.
                DurableFile.Replace(contents.ResultsTable.Path, string.Join(',', contents.ResultsTable.Header.Take(SweepRecord.RequiredHeader.Count).Concat([SweepRecord.Header[^1]])) + "\n"
                    + string.Concat(contents.ResultsTable.Rows.Select(r => string.Join(',', r.Fields.Take(SweepRecord.RequiredHeader.Count)) + ",\n")));
                recovered.Add($"{SweepRecord.FileName}: added the {SweepRecord.Header[^1]} column (empty for the {contents.Records.Count} configuration(s) already done)");
                contents = SweepResults.ReadContents(directory, settings);
            }
            Repair(contents.ResultsTable, SweepRecord.Header, null, recovered);
            Repair(contents.CurvesTable, SweepCurvePoint.Header, contents.Curves.Select(c => (c.Text, c.Keep)).ToList(), recovered);
            if (settings.GroundTruth is not null || File.Exists(contents.GroundTruthTable.Path))
            {
                Repair(contents.GroundTruthTable, GroundTruthRecord.Header, contents.GroundTruth.Select(c => (c.Text, c.Keep)).ToList(), recovered);
            }
            string timings = Path.Combine(directory, SweepTiming.FileName);
            if (!File.Exists(timings) || new FileInfo(timings).Length == 0)
            {
                DurableFile.Replace(timings, string.Join(',', SweepTiming.Header) + "\n");
            }
            return contents;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"Cannot write the results directory '{directory}': {ex.Message}", ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException && ex.GetType() == typeof(IOException) && !ex.Message.Contains(directory, StringComparison.Ordinal))
        {
            throw new IOException($"Cannot write the results directory '{directory}': {ex.Message}", ex);
        }
    }

    // Drops a half-written last line and the rows of configurations without a results row; creates missing files.
    private static void Repair(SweepCsv.Table table, IReadOnlyList<string> header, List<(string Text, bool Keep)>? rows, List<string> recovered)
    {
        string name = Path.GetFileName(table.Path);
        if (!File.Exists(table.Path) || table.CompleteLength == 0)
        {
            DurableFile.Replace(table.Path, string.Join(',', header) + "\n");
            if (table.TruncatedTail)
            {
                recovered.Add($"{name}: dropped a half-written header");
            }
            return;
        }
        int orphans = rows?.Count(r => !r.Keep) ?? 0;
        if (orphans > 0)
        {
            DurableFile.Replace(table.Path, string.Join(',', table.Header) + "\n" + string.Concat(rows!.Where(r => r.Keep).Select(r => r.Text + "\n")));
            recovered.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: dropped {orphans} row(s) of the configuration in flight{(table.TruncatedTail ? " and a half-written last line" : string.Empty)}"));
        }
        else if (table.TruncatedTail)
        {
            DurableFile.Truncate(table.Path, table.CompleteLength);
            recovered.Add($"{name}: dropped a half-written last line");
        }
    }

    private static void WriteReconstructions(string directory, SweepConfiguration config, ProbeResult probe, SweepRunOptions options)
    {
        if (options.ReconstructionWriter is not { } write || probe.Reconstructions is not { } reconstructions || reconstructions.Images.Length == 0)
        {
            return;
        }
        string recon = Path.Combine(directory, SweepFiles.ReconstructionFolder);
        Directory.CreateDirectory(recon);
        write(Path.Combine(recon, SweepFiles.ReconstructionFileName(config.SigmaW2, config.SigmaB2)), reconstructions);
    }

    private sealed class Progress(Action<ProbeProgress> report) : IProgress<ProbeProgress>
    {
        public void Report(ProbeProgress value) => report(value);
    }
}
