using System.CommandLine;
using System.Globalization;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Data;
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Reporting;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Training;
using Spectre.Console;
using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Cli.Commands;

/// <summary>
/// <c>entropy sweep</c>: the probe over a (σ_w², σ_b²) grid into a resumable, shardable results directory, with optional
/// ground truth, then a summary table and the report.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var dataDir = CommonOptions.DataDir();
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        // The presets describe themselves, so the help cannot drift from what they are.
        var preset = new Option<string?>("--preset") { Description = $"Start from a preset: {string.Join(" ", SweepPreset.All.Select(p => $"{p.Name}: {p.Description}"))} Explicit options override it." };
        preset.AcceptOnlyFromAmong([.. SweepPreset.All.Select(x => x.Name)]);
        var dataset = new Option<string?>("--dataset") { Description = "Dataset: mnist (default), fashion-mnist, cifar10, cifar10-gray, noise or folder:PATH." };
        var sigmaW2 = new Option<string?>("--sigma-w2") { Description = "sigma_w^2 grid: start:stop:step (inclusive, e.g. 0.5:4.0:0.1) or a comma list." };
        var sigmaB2 = new Option<string?>("--sigma-b2") { Description = $"sigma_b^2 grid: a value, a comma list or start:stop:step. Default {HelpDefaults.Number(ProbeDefaults.Mlp.SigmaB2)}." };
        var depth = new Option<int?>("--depth") { Description = "Depth D of every probed network; one probe answers every depth <= D." };
        var width = new Option<string?>("--width") { Description = "Width: wide (default; as the input, then 400, then classes), shrinking, a number such as 128, or a list." };
        var activation = new Option<string?>("--activation") { Description = "Activation: tanh (default), relu, hardtanh, gelu, erf or linear. Mean-field columns are empty for activations the theory does not know." };
        var trainSamples = new Option<int?>("--train-samples") { Description = "Training images per probe (a seeded subset); default all." };
        var entropySamples = new Option<int?>("--entropy-samples") { Description = "Test images per entropy curve; default 100 as the authors." };
        var epochs = new Option<int?>("--epochs") { Description = "Decoder epochs per probe; default 1 as the authors." };
        var cutoffTolerance = new Option<double?>("--cutoff-tolerance") { Description = "Relative tolerance of the cutoff; default 0.005 as the authors." };
        var architecture = ArchitectureOptions.Architecture();
        var channels = ArchitectureOptions.Channels();
        var groundTruth = new Option<bool>("--ground-truth") { Description = "Also train the network at several depths per configuration (bisection up to --depth) and record the maximum trainable depth." };
        var gtEpochs = new Option<int?>("--gt-epochs") { Description = $"Ground truth: epoch budget. Default per dataset ({HelpDefaults.EpochsPerDataset()})." };
        var gtThreshold = new Option<double?>("--gt-threshold") { Description = $"Ground truth: test accuracy that counts as trainable. Default per dataset ({HelpDefaults.ThresholdPerDataset()})." };
        var gtOptimizer = new Option<string>("--gt-optimizer") { Description = "Ground truth: sgd (the authors') or adam.", DefaultValueFactory = _ => "sgd" };
        gtOptimizer.AcceptOnlyFromAmong("sgd", "adam");
        var gtLearningRate = new Option<double?>("--gt-learning-rate") { Description = $"Ground truth: learning rate. Default {HelpDefaults.Number(GroundTruthProtocol.LearningRate)}." };
        var gtTrainSamples = new Option<int?>("--gt-train-samples") { Description = "Ground truth: training images (a seeded subset); default the same as --train-samples." };
        var gtSearch = new Option<string>("--gt-search") { Description = "Ground truth: bisection (cheap; assumes trainable at D implies trainable below D) or staircase (the authors': step down from --depth by --gt-step).", DefaultValueFactory = _ => "bisection" };
        gtSearch.AcceptOnlyFromAmong("bisection", "staircase");
        var gtStep = new Option<int>("--gt-step") { Description = "Ground truth: staircase step.", DefaultValueFactory = _ => 5 };
        var gtDoubleSoftmax = new Option<bool>("--gt-double-softmax") { Description = "Ground truth: the authors' double-softmax head instead of logits." };
        var shard = new Option<string?>("--shard") { Description = "Run shard i/n of the grid (0-based, round-robin), e.g. $SLURM_ARRAY_TASK_ID/8; combine shard directories with 'entropy merge'." };
        var output = new Option<string>("--out") { Description = "Results directory (created; an existing one with the same settings is resumed, with different settings refused).", Required = true };
        var scoreDepth = new Option<int?>("--score-depth") { Description = "Depth L whose trainability score the summary shows; default D/2." };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp intra-op threads." };
        var faithful = new Option<bool>("--faithful") { Description = "The authors' full decoder training, every decoder on every image (the default)." };
        var leastSquares = new Option<bool>("--least-squares") { Description = "mlp only: fit each decoder in closed form (ridge regression in its pre-activation space) instead of one epoch of Adam; uses --train-samples images (default all); its own calibration and agreement numbers are in docs/prediction.md." };
        var adaptive = new Option<bool>("--adaptive") { Description = "mlp only: freeze each decoder once its loss has converged and grow the cascade only until the curve has saturated; its agreement with the faithful method and its savings are in docs/performance.md." };
        var noReport = new Option<bool>("--no-report") { Description = "Do not write report.html at the end." };

        var command = new Command("sweep",
            "Runs the reconstruction-entropy probe over a grid of sigma_w^2 x sigma_b^2 (one probe of depth D per point gives the predicted trainable depth for every depth <= D), " +
            "writing DIR/settings.json, results.csv, curves.csv (and groundtruth.csv) as each point finishes. Interrupted sweeps resume when run again; --shard splits the grid.\n" +
            "Example: entropy sweep --preset quick --out runs/quick\n" +
            "Example: entropy sweep --dataset mnist --sigma-w2 0.5:4.0:0.1 --sigma-b2 0.05 --depth 100 --ground-truth --shard 0/4 --out runs/s0")
        {
            preset, dataset, dataDir, architecture, channels, sigmaW2, sigmaB2, depth, width, activation, trainSamples, entropySamples, epochs, cutoffTolerance,
            groundTruth, gtEpochs, gtThreshold, gtOptimizer, gtLearningRate, gtTrainSamples, gtSearch, gtStep, gtDoubleSoftmax,
            shard, output, scoreDepth, threads, faithful, adaptive, leastSquares, noReport, device, seed, format,
        };
        CliAction.Set(command, format, async (parse, cli, ct) =>
        {
            SweepPreset? p = parse.GetValue(preset) is { } presetName ? SweepPreset.Parse(presetName) : null;
            string datasetName = parse.GetValue(dataset) ?? p?.Dataset ?? "mnist";
            GroundTruthSettings? gt = null;
            if (parse.GetValue(groundTruth))
            {
                GroundTruthDefaults defaults = GroundTruthDefaults.For(datasetName);
                gt = new GroundTruthSettings
                {
                    Optimizer = parse.GetValue(gtOptimizer) ?? "sgd",
                    LearningRate = parse.GetValue(gtLearningRate) ?? defaults.LearningRate,
                    Epochs = parse.GetValue(gtEpochs) ?? defaults.Epochs,
                    Threshold = parse.GetValue(gtThreshold) ?? defaults.Threshold,
                    Search = parse.GetValue(gtSearch) ?? "bisection",
                    StaircaseStep = parse.GetValue(gtStep),
                    TrainSamples = parse.GetValue(gtTrainSamples) ?? parse.GetValue(trainSamples) ?? p?.TrainSamples,
                    DoubleSoftmax = parse.GetValue(gtDoubleSoftmax),
                };
            }
            else if (new Option[] { gtEpochs, gtThreshold, gtOptimizer, gtLearningRate, gtTrainSamples, gtSearch, gtStep, gtDoubleSoftmax }
                .FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } stray)
            {
                throw new ArgumentException($"{stray.Name} needs --ground-truth.");
            }
            int? maxDepth = parse.GetValue(depth) ?? p?.MaxDepth;
            string sigmaW2Text = parse.GetValue(sigmaW2) ?? p?.SigmaW2
                ?? throw new ArgumentException("--sigma-w2 is required (e.g. --sigma-w2 0.5:4.0:0.1), or use --preset quick.");
            // A preset names its family unless --architecture says otherwise.
            string familyName = parse.GetResult(architecture) is { Implicit: false } ? parse.GetValue(architecture)! : p?.Architecture ?? ArchitectureCatalog.MlpName;
            int? familyChannels = parse.GetValue(channels) ?? (p?.Architecture == familyName ? p.Channels : null);
            var family = ArchitectureOptions.Resolve(familyName, familyChannels);
            if (family.Name != ArchitectureCatalog.MlpName && parse.GetValue(width) is { } w && w != "wide")
            {
                throw new ArgumentException($"--width: applies to mlp, not '{family.Name}' (use --channels).");
            }
            var draft = new Draft(
                datasetName,
                SigmaRange.Parse(sigmaW2Text, "--sigma-w2").Values.ToArray(),
                SigmaRange.Parse(parse.GetValue(sigmaB2) ?? p?.SigmaB2 ?? HelpDefaults.Number(family.Defaults.SigmaB2), "--sigma-b2").Values.ToArray(),
                maxDepth ?? throw new ArgumentException("--depth is required (e.g. --depth 100), or use --preset quick."),
                family.Name == ArchitectureCatalog.MlpName ? parse.GetValue(width) ?? p?.Width ?? "wide" : "wide",
                parse.GetValue(activation) ?? "tanh",
                parse.GetValue(epochs) ?? p?.Epochs ?? 1,
                parse.GetValue(trainSamples) ?? p?.TrainSamples,
                parse.GetValue(entropySamples) ?? p?.EntropySamples ?? 100,
                parse.GetValue(cutoffTolerance) ?? family.Defaults.CutoffTolerance,
                parse.GetValue(seed),
                gt,
                parse.GetValue(shard) is { } s ? SweepShard.Parse(s) : null,
                family.Name,
                familyChannels,
                p?.Architecture == family.Name ? p.BatchSize : null,
                p?.Architecture == family.Name ? p.LearningRate : null,
                Mode(family.Name, parse.GetValue(faithful), parse.GetValue(adaptive), parse.GetValue(leastSquares), p?.Architecture == family.Name ? p.Mode : null));
            CheckDraft(draft);
            // Every option is checked before the sweep runs: a typo must not surface only after hours of probes.
            if (parse.GetValue(scoreDepth) is int sd && sd < 1)
            {
                throw new ArgumentException($"--score-depth must be at least 1; got {sd}.");
            }
            if (parse.GetValue(threads) is int th && th < 1)
            {
                throw new ArgumentException($"--threads must be at least 1; got {th}.");
            }
            string outDir = parse.GetValue(output)!;
            ImageDataset train = DatasetCatalog.Load(draft.Dataset, "train", parse.GetValue(dataDir));
            ImageDataset test = DatasetCatalog.Load(draft.Dataset, "test", parse.GetValue(dataDir));
            if (p == SweepPreset.Paper && train.Source == DatasetCatalog.EmbeddedSource)
            {
                cli.Status("entropy sweep: warning: --preset paper expects the full MNIST (--data-dir or $ENTROPY_MLNET_DATA); using the embedded 5,000-image subset.");
            }
            SweepSettings settings = ToSettings(draft, train);
            var runOptions = new SweepRunOptions
            {
                Device = TorchRuntime.ParseDevice(parse.GetValue(device) ?? "auto"),
                Threads = parse.GetValue(threads),
                ReconstructionWriter = (path, reconstructions) => ReconstructionGrid.Write(path, reconstructions),
            };
            SweepRunSummary summary = await RunWithProgressAsync(settings, train, test, outDir, runOptions, cli, ct).ConfigureAwait(false);
            int l = parse.GetValue(scoreDepth) ?? Math.Max(2, settings.MaxDepth / 2);
            string? report = null;
            if (!parse.GetValue(noReport))
            {
                report = WriteReport(outDir, cli, l);
            }
            var result = SweepOutput.From(settings, summary, l, report);
            cli.Write(result, w => result.WriteText(w));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The sweep as the options describe it, before the data is loaded.</summary>
    internal sealed record Draft(string Dataset, double[] SigmaW2, double[] SigmaB2, int MaxDepth, string Width, string Activation, int Epochs,
        int? TrainSamples, int EntropySamples, double CutoffTolerance, int Seed, GroundTruthSettings? GroundTruth, SweepShard? Shard,
        string Architecture = ArchitectureCatalog.MlpName, int? Channels = null, int? BatchSize = null, double? LearningRate = null,
        string Mode = SweepSettings.FaithfulMode);

    /// <summary>
    /// The mode of a sweep: the flag's, else the preset's, else faithful. The adaptive mode stays an option until it keeps the faithful
    /// answer at the promised saving (docs/performance.md); the convolutional families are measured faithfully only.
    /// </summary>
    internal static string Mode(string family, bool faithful, bool adaptive, bool leastSquares = false, string? presetMode = null)
    {
        if (!faithful && !adaptive && !leastSquares && presetMode is not null)
        {
            return presetMode;
        }
        if ((faithful ? 1 : 0) + (adaptive ? 1 : 0) + (leastSquares ? 1 : 0) > 1)
        {
            throw new ArgumentException("--faithful, --adaptive and --least-squares exclude each other.");
        }
        if (adaptive && family != ArchitectureCatalog.MlpName)
        {
            throw new ArgumentException($"--adaptive: measured for mlp only; sweep '{family}' faithfully.");
        }
        if (leastSquares && family != ArchitectureCatalog.MlpName)
        {
            throw new ArgumentException($"--least-squares: mlp only; sweep '{family}' faithfully.");
        }
        return adaptive ? SweepSettings.AdaptiveMode : leastSquares ? SweepSettings.LeastSquaresMode : SweepSettings.FaithfulMode;
    }

    /// <summary>Checks the numbers with option names in the messages, before any data is loaded.</summary>
    internal static void CheckDraft(Draft d)
    {
        foreach (double w in d.SigmaW2)
        {
            if (!(w > 0))
            {
                throw new ArgumentException($"--sigma-w2: every value must be above 0; got {w.ToString("R", CultureInfo.InvariantCulture)}.");
            }
        }
        foreach (double b in d.SigmaB2)
        {
            if (!(b >= 0))
            {
                throw new ArgumentException($"--sigma-b2: every value must be at least 0; got {b.ToString("R", CultureInfo.InvariantCulture)}.");
            }
        }
        if (d.MaxDepth < 2)
        {
            throw new ArgumentException($"--depth must be at least 2; got {d.MaxDepth}.");
        }
        if (d.Epochs < 1)
        {
            throw new ArgumentException($"--epochs must be at least 1; got {d.Epochs}.");
        }
        if (d.TrainSamples is < 1)
        {
            throw new ArgumentException($"--train-samples must be at least 1; got {d.TrainSamples}.");
        }
        if (d.EntropySamples < 2)
        {
            throw new ArgumentException($"--entropy-samples must be at least 2; got {d.EntropySamples}.");
        }
        _ = Networks.NetworkWidth.Parse(d.Width);
        _ = Networks.Activation.Parse(d.Activation);
        if (d.GroundTruth is { } gt)
        {
            if (gt.Epochs < 1)
            {
                throw new ArgumentException($"--gt-epochs must be at least 1; got {gt.Epochs}.");
            }
            if (!(gt.Threshold > 0 && gt.Threshold <= 1))
            {
                throw new ArgumentException($"--gt-threshold must be an accuracy in (0, 1]; got {gt.Threshold.ToString(CultureInfo.InvariantCulture)}.");
            }
            if (gt.StaircaseStep < 1)
            {
                throw new ArgumentException($"--gt-step must be at least 1; got {gt.StaircaseStep}.");
            }
        }
    }

    internal static SweepSettings ToSettings(Draft d, ImageDataset train) => new()
    {
        Dataset = d.Dataset.Trim().ToLowerInvariant().StartsWith(DatasetCatalog.FolderPrefix, StringComparison.Ordinal) ? d.Dataset.Trim() : d.Dataset.Trim().ToLowerInvariant(),
        DatasetSource = train.Source is DatasetCatalog.EmbeddedSource or DatasetCatalog.GeneratedSource ? train.Source : "files",
        SigmaW2 = d.SigmaW2,
        SigmaB2 = d.SigmaB2,
        MaxDepth = d.MaxDepth,
        Width = Networks.NetworkWidth.Parse(d.Width).ToString(),
        Activation = Networks.Activation.Parse(d.Activation).Name,
        Epochs = d.Epochs,
        TrainSamples = d.TrainSamples,
        EntropySamples = d.EntropySamples,
        CutoffTolerance = d.CutoffTolerance,
        Seed = d.Seed,
        GroundTruth = d.GroundTruth,
        Shard = d.Shard,
        Architecture = d.Architecture == ArchitectureCatalog.MlpName ? null : d.Architecture,
        Channels = ArchitectureOptions.EffectiveChannels(ArchitectureCatalog.Get(d.Architecture), d.Channels),
        BatchSize = d.BatchSize ?? ArchitectureCatalog.Get(d.Architecture).Defaults.BatchSize,
        LearningRate = d.LearningRate ?? ArchitectureCatalog.Get(d.Architecture).Defaults.LearningRate,
        Mode = d.Mode,
    };

    private static async Task<SweepRunSummary> RunWithProgressAsync(SweepSettings settings, ImageDataset train, ImageDataset test, string outDir,
        SweepRunOptions options, CliOutput cli, CancellationToken ct)
    {
        bool terminal = ReferenceEquals(cli.Error, Console.Error) && !Console.IsErrorRedirected && !cli.Json;
        int total = settings.ShardConfigurations().Count;
        cli.Status(string.Create(CultureInfo.InvariantCulture,
            $"entropy sweep: {total} configuration(s){(settings.Shard is null ? string.Empty : $" (shard {settings.Shard} of {settings.GridSize})")}, depth {settings.MaxDepth}, {settings.Dataset} ({train.Source}) -> {outDir}"));
        if (!terminal)
        {
            var lines = new StatusLines(cli, total);
            return await Task.Run(() => SweepRunner.Run(settings, train, test, outDir, options, lines, ct), ct).ConfigureAwait(false);
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        SweepRunSummary? summary = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                ProgressTask task = ctx.AddTask("sweep", maxValue: Math.Max(total, 1));
                var bar = new BarProgress(task);
                summary = await Task.Run(() => SweepRunner.Run(settings, train, test, outDir, options, bar, ct), ct).ConfigureAwait(false);
                task.Value = task.MaxValue;
                task.StopTask();
            }).ConfigureAwait(false);
        return summary!;
    }

    /// <summary>Writes the PNGs and report.html into the results directory (<see cref="Entropy.MLNet.Reporting.SweepReport"/>); returns report.html's path.</summary>
    internal static string? WriteReport(string directory, CliOutput cli, int scoreDepth)
    {
        cli.Status("entropy sweep: writing the report");
        return Path.GetFullPath(Entropy.MLNet.Reporting.SweepReport.Write(directory, scoreDepth).Html);
    }

    private sealed class StatusLines(CliOutput cli, int total) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value)
        {
            if (value.Stage == "start" && value.Resumed > 0)
            {
                cli.Status($"entropy sweep: resuming: {value.Resumed} of {total} configuration(s) already done");
            }
            else if (value.Finished is { } r)
            {
                cli.Status(string.Create(CultureInfo.InvariantCulture,
                    $"[{value.Completed}/{total}] sigma_w^2 = {r.SigmaW2}, sigma_b^2 = {r.SigmaB2}: cutoff {r.Cutoff}{(r.DivergenceLayer is { } d ? $" (the network diverges at layer {d})" : string.Empty)}{(r.SixXiC is { } x ? $", 6 xi_c {SweepOutput.FormatDepth(x)}" : string.Empty)}{(r.GtMaxTrainableDepth is { } g ? $", trained up to depth {g}" : string.Empty)}"));
            }
        }
    }

    private sealed class BarProgress(ProgressTask task) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value)
        {
            task.Value = Math.Min(task.MaxValue, value.Completed + (value.Current is null ? 0 : 0.95 * value.StageFraction));
            task.Description = value.Current is { } c
                ? string.Create(CultureInfo.InvariantCulture, $"σw² {c.SigmaW2} σb² {c.SigmaB2} {value.Stage}").EscapeMarkup()
                : string.Create(CultureInfo.InvariantCulture, $"{value.Completed}/{value.Total} done");
        }
    }
}

/// <summary>
/// What <c>entropy sweep</c> prints: the run, one row per configuration with its score at <see cref="ScoreDepth"/>, and
/// agreement when there is ground truth. <see cref="Depth"/> is the probed depth D (<c>--depth</c>; settings.json's MaxDepth).
/// </summary>
internal sealed record SweepOutput(string Directory, string Dataset, int Depth, int ScoreDepth, int Ran, int Resumed, IReadOnlyList<string> Recovered,
    double Seconds, IReadOnlyList<SweepOutput.Row> Configurations, AgreementReport? Agreement, string? Report, SweepOutput.PredictionInfo? Prediction = null)
{
    /// <summary>The mode the probes ran in (faithful or adaptive).</summary>
    public string Mode { get; init; } = SweepSettings.FaithfulMode;

    /// <summary>This run's MLP work under the FLOP model, and the faithful method's for the same configurations (null when none was computed).</summary>
    public WorkInfo? Work { get; init; }

    /// <summary>Work in TFLOP: done, faithful, their ratio, the model.</summary>
    internal sealed record WorkInfo(double Tflop, double FaithfulTflop, double Saving, string Model);

    /// <summary>Which calibrated predictor gave the scores, and where its constants come from.</summary>
    internal sealed record PredictionInfo(string Predictor, string Calibration, CalibrationProvenance Provenance);

    /// <summary>One configuration; <see cref="ProbeScore"/> is the ML.NET sweep's column of the same name.</summary>
    internal sealed record Row(double SigmaW2, double SigmaB2, int Cutoff, double? Chi1, double? XiC, double? SixXiC, string? Verdict, double ProbeScore,
        bool PredictedTrainable, int? GtMaxTrainableDepth, double? GtTestAccuracy, int? DivergenceLayer = null, double? PredictedDepth = null);

    public static SweepOutput From(SweepSettings settings, SweepRunSummary summary, int scoreDepth, string? report)
    {
        var rows = summary.Records.Select(r => new Row(r.SigmaW2, r.SigmaB2, r.Cutoff, r.Chi1, r.XiC, r.SixXiC,
            r.Phase is { } v ? TrainabilityScore.Name(v) : null, r.Score(scoreDepth), r.PredictedTrainable(scoreDepth), r.GtMaxTrainableDepth, r.GtTestAccuracy, r.DivergenceLayer,
            r.PredictedDepth is { } p && !double.IsNaN(p) ? p : null)).ToList();
        TrainabilityCalibration? calibration = SweepPredictions.CalibrationFor(settings);
        AgreementReport? agreement = summary.Records.Any(r => r.GtMaxTrainableDepth is not null) ? Sweep.Agreement.Compute(summary.Records) : null;
        return new SweepOutput(summary.Directory, settings.Dataset, settings.MaxDepth, scoreDepth, summary.Ran, summary.Resumed, summary.Recovered,
            summary.Seconds, rows, agreement, report,
            calibration is null ? null : new PredictionInfo(CalibratedPrediction.ProductName, calibration.Name, calibration.Provenance))
        {
            Mode = settings.Mode,
            Work = summary.WorkGflop > 0 ? new WorkInfo(summary.WorkGflop / 1e3, summary.FaithfulGflop / 1e3, summary.FaithfulGflop / summary.WorkGflop, Architectures.ProbeWork.Model) : null,
        };
    }

    public static string FormatDepth(double value) => double.IsPositiveInfinity(value) ? "inf" : value.ToString("F1", CultureInfo.InvariantCulture);

    public void WriteText(TextWriter w)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (string line in Recovered)
        {
            w.WriteLine($"Recovered: {line}");
        }
        w.WriteLine(string.Create(c, $"Sweep: {Configurations.Count} configuration(s) in {Directory} ({Ran} computed now, {Resumed} resumed; {Seconds:F1} s)"));
        if (Work is { } work)
        {
            w.WriteLine(string.Create(c, $"Work ({Mode}, the {Ran} computed now): {work.Tflop:F2} TFLOP; the faithful method: {work.FaithfulTflop:F2} TFLOP ({work.Saving:F1}x). FLOP model: {work.Model}."));
        }
        w.WriteLine(string.Create(c, $"Score = confidence that depth {ScoreDepth} is below the predicted trainable depth (> 0.5: predicted trainable)."));
        if (Prediction is { } info)
        {
            w.WriteLine($"Predicted depth: {info.Predictor}, calibration {info.Calibration} (fitted on {info.Provenance.Truth}; docs/prediction.md); the authors' cutoff where it has no answer. Verdict: the mean-field phase from chi_1, a label, not a prediction.");
        }
        bool truth = Configurations.Any(r => r.GtMaxTrainableDepth is not null);
        var table = new List<string[]> { truth
            ? ["sigma_w^2", "sigma_b^2", "cutoff", "predicted depth", "6 xi_c", "verdict", $"score@{ScoreDepth}", "trained depth", "gt acc"]
            : ["sigma_w^2", "sigma_b^2", "cutoff", "predicted depth", "6 xi_c", "verdict", $"score@{ScoreDepth}"] };
        foreach (Row r in Configurations)
        {
            var cells = new List<string>
            {
                r.SigmaW2.ToString("0.0##", c), r.SigmaB2.ToString("0.0####", c),
                r.DivergenceLayer is { } d ? string.Create(c, $"{r.Cutoff} (diverges at layer {d})") : r.Cutoff.ToString(c),
                r.PredictedDepth is { } pd ? FormatDepth(pd) : "-",
                r.SixXiC is { } x ? FormatDepth(x) : "-", r.Verdict ?? "-", r.ProbeScore.ToString("F2", c),
            };
            if (truth)
            {
                cells.Add(r.GtMaxTrainableDepth?.ToString(c) ?? "-");
                cells.Add(r.GtTestAccuracy?.ToString("F3", c) ?? "-");
            }
            table.Add([.. cells]);
        }
        int[] widths = [.. Enumerable.Range(0, table[0].Length).Select(i => table.Max(row => row[i].Length))];
        foreach (string[] row in table)
        {
            w.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadLeft(widths[i]))).TrimEnd());
        }
        if (Agreement is { } a)
        {
            w.WriteLine();
            w.WriteLine(string.Create(c, $"Agreement with ground truth over {a.Probe.Configurations} configuration(s) x depths {a.Depths[0]}..{a.Depths[^1]}:"));
            w.WriteLine("  predictor  accuracy     F1    IoU  Spearman  MAE (layers)");
            foreach (AgreementMetrics m in a.Theory is null ? [a.Probe] : new[] { a.Probe, a.Theory })
            {
                w.WriteLine(string.Create(c, $"  {m.Predictor,-9}  {m.Accuracy,8:F3}  {m.F1,5:F3}  {m.IoU,5:F3}  {m.Spearman,8:F3}  {m.MeanAbsoluteDepthError,12:F1}"));
            }
        }
        if (Report is not null)
        {
            w.WriteLine($"Report: {Report}");
        }
    }
}
