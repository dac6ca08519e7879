using System.CommandLine;
using System.Globalization;
using Entropy.MLNet.Architectures.Convolutional;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Data;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Training;
using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Cli.Commands;

/// <summary>
/// <c>entropy groundtruth</c>: a ground-truth set without probes — per σ_w², the maximum trainable depth under the
/// protocol of docs/ground-truth.md — into a resumable, shardable directory.
/// </summary>
internal static class GroundTruthCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var dataDir = CommonOptions.DataDir();
        var device = CommonOptions.Device();
        var dataset = new Option<string>("--dataset") { Description = "Dataset: mnist, fashion-mnist, cifar10-gray, cifar10, noise or folder:PATH.", DefaultValueFactory = _ => "mnist" };
        var sigmaW2 = new Option<string>("--sigma-w2") { Description = "sigma_w^2 grid: start:stop:step (inclusive) or a comma list.", DefaultValueFactory = _ => "0.25:4.0:0.25" };
        var sigmaB2 = new Option<string?>("--sigma-b2")
        {
            Description = $"sigma_b^2 grid: a value, a comma list or start:stop:step. Default {HelpDefaults.Number(ProbeDefaults.Mlp.SigmaB2)} for mlp, {HelpDefaults.Number(ConvolutionalDefaults.SigmaB2)} for cnn/resnet (the authors').",
        };
        var width = new Option<string?>("--width") { Description = "Width of the mlp: a number such as 128 (the default), wide, shrinking or a list; not for cnn/resnet (use --channels)." };
        var architecture = ArchitectureOptions.Architecture();
        var channels = ArchitectureOptions.Channels();
        var activation = new Option<string>("--activation") { Description = "Activation: tanh, relu, hardtanh, gelu, erf or linear.", DefaultValueFactory = _ => "tanh" };
        var steps = new Option<int>("--steps") { Description = "Budget in SGD steps per network.", DefaultValueFactory = _ => GroundTruthProtocol.DefaultSteps };
        var evaluateEvery = new Option<int>("--evaluate-every") { Description = "Steps between test evaluations (training stops at the first that reaches the threshold).", DefaultValueFactory = _ => GroundTruthProtocol.EvaluateEvery };
        var threshold = new Option<double?>("--threshold") { Description = $"Test accuracy that counts as trained. Default per dataset ({HelpDefaults.ThresholdPerDataset()})." };
        var learningRate = new Option<double>("--learning-rate") { Description = "SGD learning rate.", DefaultValueFactory = _ => GroundTruthProtocol.LearningRate };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size.", DefaultValueFactory = _ => GroundTruthProtocol.BatchSize };
        var trainSamples = new Option<int>("--train-samples") { Description = "Training images per network (a subset drawn from the network's seed).", DefaultValueFactory = _ => GroundTruthProtocol.TrainSamples };
        var testSamples = new Option<int>("--test-samples") { Description = "Test images (the first N of the test set).", DefaultValueFactory = _ => GroundTruthProtocol.TestSamples };
        var minDepth = new Option<int>("--min-depth") { Description = "Shallowest depth searched.", DefaultValueFactory = _ => GroundTruthProtocol.MinDepth };
        var maxDepth = new Option<int>("--max-depth") { Description = "Deepest depth searched (the cap: a boundary beyond it is recorded as censored).", DefaultValueFactory = _ => GroundTruthProtocol.MaxDepth };
        var search = new Option<string>("--search") { Description = "bisection (about 8 networks per sigma_w^2; assumes monotonicity in depth) or scan (every --scan-step-th depth, to check monotonicity).", DefaultValueFactory = _ => "bisection" };
        search.AcceptOnlyFromAmong("bisection", "scan");
        var scanStep = new Option<int>("--scan-step") { Description = "Depth step of --search scan.", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Set seed; each network's seed is derived from it, sigma_w^2, sigma_b^2 and the depth.", DefaultValueFactory = _ => 1 };
        var shard = new Option<string?>("--shard") { Description = "Run shard i/n of the grid (0-based, round-robin); give each shard its own --out." };
        var output = new Option<string>("--out") { Description = "Ground-truth directory (created; an existing one with the same settings is resumed, with different settings refused).", Required = true };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp intra-op threads (give a number for reproducible timings)." };

        var command = new Command("groundtruth",
            "Ground truth without probes: for every sigma_w^2 of the grid, trains the network at the depths a bisection (or scan) asks for and records the maximum trainable depth " +
            "(protocol: docs/ground-truth.md). Every finished training is appended to DIR/trials.csv and every finished sigma_w^2 to DIR/boundaries.csv; run again to resume.\n" +
            "Example: entropy groundtruth --dataset mnist --data-dir data --seed 1 --threads 1 --out gt/mnist-s1")
        {
            dataset, dataDir, architecture, channels, sigmaW2, sigmaB2, width, activation, steps, evaluateEvery, threshold, learningRate, batchSize, trainSamples, testSamples,
            minDepth, maxDepth, search, scanStep, seed, shard, output, threads, device, format,
        };
        CliAction.Set(command, format, async (parse, cli, ct) =>
        {
            string name = (parse.GetValue(dataset) ?? "mnist").Trim();
            string key = name.StartsWith(DatasetCatalog.FolderPrefix, StringComparison.OrdinalIgnoreCase) ? name : name.ToLowerInvariant();
            var family = ArchitectureOptions.Resolve(parse.GetValue(architecture), parse.GetValue(channels));
            bool convolutional = family is ConvolutionalArchitecture;
            if (convolutional && parse.GetValue(width) is not null)
            {
                throw new ArgumentException($"--width: applies to mlp, not '{family.Name}' (use --channels).");
            }
            var settings = new GroundTruthSetSettings
            {
                Dataset = key,
                DatasetSource = "pending",
                SigmaW2 = [.. SigmaRange.Parse(parse.GetValue(sigmaW2)!, "--sigma-w2").Values],
                SigmaB2 = [.. SigmaRange.Parse(parse.GetValue(sigmaB2) ?? HelpDefaults.Number(family.Defaults.SigmaB2), "--sigma-b2").Values],
                Width = convolutional ? Networks.NetworkWidth.Wide.ToString() : Networks.NetworkWidth.Parse(parse.GetValue(width) ?? "128").ToString(),
                Architecture = convolutional ? family.Name : null,
                Channels = ArchitectureOptions.EffectiveChannels(family, parse.GetValue(channels)),
                Activation = Networks.Activation.Parse(parse.GetValue(activation)!).Name,
                Steps = parse.GetValue(steps),
                EvaluateEvery = parse.GetValue(evaluateEvery),
                Threshold = parse.GetValue(threshold) ?? GroundTruthProtocol.For(key).Threshold,
                LearningRate = parse.GetValue(learningRate),
                BatchSize = parse.GetValue(batchSize),
                TrainSamples = parse.GetValue(trainSamples),
                TestSamples = parse.GetValue(testSamples),
                MinDepth = parse.GetValue(minDepth),
                MaxDepth = parse.GetValue(maxDepth),
                Search = parse.GetValue(search)!,
                ScanStep = parse.GetValue(scanStep),
                Seed = parse.GetValue(seed),
                Shard = parse.GetValue(shard) is { } s ? SweepShard.Parse(s) : null,
            };
            CheckNumbers(settings);
            ImageDataset train = DatasetCatalog.Load(key, "train", parse.GetValue(dataDir));
            ImageDataset test = DatasetCatalog.Load(key, "test", parse.GetValue(dataDir));
            if (settings.TrainSamples > train.Count)
            {
                throw new ArgumentException($"--train-samples {settings.TrainSamples} exceeds the {train.Count} training images of {key} ({train.Source}); pass --train-samples {train.Count} or a --data-dir with the full dataset.");
            }
            if (settings.TestSamples > test.Count)
            {
                throw new ArgumentException($"--test-samples {settings.TestSamples} exceeds the {test.Count} test images of {key} ({test.Source}); pass --test-samples {test.Count} or a --data-dir with the full dataset.");
            }
            settings = settings with { DatasetSource = train.Source is DatasetCatalog.EmbeddedSource or DatasetCatalog.GeneratedSource ? train.Source : "files" };
            string outDir = parse.GetValue(output)!;
            int total = settings.ShardConfigurations().Count;
            cli.Status(string.Create(CultureInfo.InvariantCulture,
                $"entropy groundtruth: {total} configuration(s){(settings.Shard is null ? string.Empty : $" (shard {settings.Shard})")}, {settings.Search} depths {settings.MinDepth}..{settings.MaxDepth}, {settings.Steps} steps, threshold {settings.Threshold}, {key} ({train.Source}) -> {outDir}"));
            var lines = new StatusLines(cli);
            GroundTruthSet set = await Task.Run(() => GroundTruthRunner.Run(settings, train, test, outDir,
                TorchRuntime.ParseDevice(parse.GetValue(device) ?? "auto"), parse.GetValue(threads), lines, ct), ct).ConfigureAwait(false);
            var result = GroundTruthOutput.From(set);
            cli.Write(result, w => result.WriteText(w));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Checks the numbers with option names in the messages, before any data is loaded.</summary>
    internal static void CheckNumbers(GroundTruthSetSettings s)
    {
        static void AtLeast(int value, int min, string option)
        {
            if (value < min)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option} must be at least {min}; got {value}."));
            }
        }
        AtLeast(s.Steps, 1, "--steps");
        AtLeast(s.EvaluateEvery, 1, "--evaluate-every");
        AtLeast(s.BatchSize, 1, "--batch-size");
        AtLeast(s.TrainSamples ?? 1, 1, "--train-samples");
        AtLeast(s.TestSamples ?? 1, 1, "--test-samples");
        AtLeast(s.MinDepth, TrainableDepthSearch.MinimumDepth, "--min-depth");
        AtLeast(s.MaxDepth, s.MinDepth, "--max-depth");
        AtLeast(s.ScanStep, 1, "--scan-step");
        if (!(s.Threshold > 0 && s.Threshold <= 1))
        {
            throw new ArgumentException($"--threshold must be an accuracy in (0, 1]; got {s.Threshold.ToString(CultureInfo.InvariantCulture)}.");
        }
        if (!(s.LearningRate > 0) || !double.IsFinite(s.LearningRate))
        {
            throw new ArgumentException($"--learning-rate must be a finite number above 0; got {s.LearningRate.ToString(CultureInfo.InvariantCulture)}.");
        }
        if (s.SigmaW2.Any(v => !(v > 0)))
        {
            throw new ArgumentException("--sigma-w2: every value must be above 0.");
        }
        if (s.SigmaB2.Any(v => !(v >= 0)))
        {
            throw new ArgumentException("--sigma-b2: every value must be at least 0.");
        }
    }

    private sealed class StatusLines(CliOutput cli) : IProgress<GroundTruthSetProgress>
    {
        public void Report(GroundTruthSetProgress value)
        {
            var c = CultureInfo.InvariantCulture;
            if (value.Trial is { } t)
            {
                cli.Status(string.Create(c, $"  sigma_w^2 = {t.SigmaW2}, depth {t.Depth}: {(t.Trained ? "trained" : "not trained")} (accuracy {t.Accuracy:F3}, {t.StepsRun} steps, {t.Seconds:F1} s){(value.Replayed ? " [recorded]" : string.Empty)}"));
            }
            else if (value.Boundary is { } b)
            {
                cli.Status(string.Create(c, $"[{value.Completed}/{value.Total}] sigma_w^2 = {b.SigmaW2}, sigma_b^2 = {b.SigmaB2}: max trainable depth {b.Describe()} ({b.Trainings} networks, {b.Seconds:F0} s)"));
            }
            else if (value.Resumed > 0)
            {
                cli.Status($"entropy groundtruth: resuming: {value.Resumed} of {value.Total} configuration(s) already done");
            }
        }
    }
}

/// <summary>What <c>entropy groundtruth</c> prints: one row per finished configuration.</summary>
internal sealed record GroundTruthOutput(string Directory, string Dataset, int Seed, int Steps, int MaxDepth, int ConfigurationCount, int Trainings, double Seconds,
    IReadOnlyList<GroundTruthOutput.Row> Boundaries)
{
    /// <summary>One configuration.</summary>
    internal sealed record Row(double SigmaW2, double SigmaB2, string Status, int MaxTrainableDepth, int Trainings, bool? Monotonic, double Seconds);

    public static GroundTruthOutput From(GroundTruthSet set) => new(set.Directory, set.Settings.Dataset, set.Settings.Seed, set.Settings.Steps, set.Settings.MaxDepth,
        set.Settings.ShardConfigurations().Count, set.Trials.Count, set.Trials.Sum(t => t.Seconds),
        [.. set.Boundaries.OrderBy(b => b.SigmaB2).ThenBy(b => b.SigmaW2).Select(b => new Row(b.SigmaW2, b.SigmaB2, GroundTruthBoundary.Format(b.Status), b.MaxTrainableDepth, b.Trainings, b.Monotonic, b.Seconds))]);

    public void WriteText(TextWriter w)
    {
        var c = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(c, $"Ground truth: {Dataset}, seed {Seed}, {Steps} steps, depths up to {MaxDepth}: {Boundaries.Count} of {ConfigurationCount} configuration(s) done, {Trainings} networks, {Seconds:F0} s of training in {Directory}"));
        w.WriteLine("  sigma_w^2  sigma_b^2  max trainable depth  networks  seconds");
        foreach (Row r in Boundaries)
        {
            string depth = r.Status switch { "censored" => $">= {r.MaxTrainableDepth}", "none" => "none", _ => r.MaxTrainableDepth.ToString(c) };
            string mono = r.Monotonic is false ? "  (not monotonic)" : string.Empty;
            w.WriteLine(string.Create(c, $"  {r.SigmaW2,9:0.0##}  {r.SigmaB2,9:0.0###}  {depth,19}  {r.Trainings,8}  {r.Seconds,7:F0}{mono}"));
        }
    }
}
