using System.CommandLine;
using System.Globalization;
using Entropy.MLNet.Architectures.Convolutional;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Training;

namespace Entropy.MLNet.Cli.Commands;

/// <summary><c>entropy train</c>: ground truth for one configuration — trains the probe's deep network and says whether it reaches the accuracy threshold.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var dataDir = CommonOptions.DataDir();
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var maxMemory = CommonOptions.MaxMemory();
        var dataset = new Option<string>("--dataset") { Description = "Dataset: mnist, fashion-mnist, cifar10, cifar10-gray, noise or folder:PATH.", DefaultValueFactory = _ => "mnist" };
        var sigmaW2 = new Option<double>("--sigma-w2") { Description = "Weight variance sigma_w^2 (> 0).", Required = true };
        var architecture = ArchitectureOptions.Architecture();
        var channels = ArchitectureOptions.Channels();
        var sigmaB2 = new Option<double?>("--sigma-b2") { Description = $"Bias variance sigma_b^2 (>= 0). Default {ProbeDefaults.Mlp.SigmaB2} for mlp, {ConvolutionalDefaults.SigmaB2} for cnn/resnet (the authors')." };
        var depth = new Option<int>("--depth") { Description = "Depth D of the network (>= 2), as for the probe.", Required = true };
        var width = new Option<string>("--width") { Description = "Width: wide (as the input, then 400, then classes), shrinking, a number such as 128, or a list.", DefaultValueFactory = _ => "wide" };
        var activation = new Option<string>("--activation") { Description = "Activation: tanh, relu, hardtanh, gelu, erf or linear.", DefaultValueFactory = _ => "tanh" };
        var steps = new Option<int?>("--steps") { Description = $"Budget in SGD steps (the protocol's unit, docs/ground-truth.md). Default {GroundTruthProtocol.DefaultSteps} unless --epochs is given." };
        var evaluateEvery = new Option<int>("--evaluate-every") { Description = "Steps between test evaluations with a step budget.", DefaultValueFactory = _ => GroundTruthProtocol.EvaluateEvery };
        var epochs = new Option<int?>("--epochs") { Description = "Epoch budget instead of --steps (test accuracy after every epoch)." };
        var threshold = new Option<double?>("--threshold") { Description = $"Test accuracy that counts as trainable. Default per dataset ({HelpDefaults.ThresholdPerDataset()})." };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd (the authors') or adam.", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam");
        var learningRate = new Option<double?>("--learning-rate") { Description = $"Learning rate. Default {HelpDefaults.Number(GroundTruthProtocol.LearningRate)} (the protocol's; the authors used 0.001 with up to 200 epochs)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size.", DefaultValueFactory = _ => GroundTruthProtocol.BatchSize };
        var trainSamples = new Option<int?>("--train-samples") { Description = string.Create(CultureInfo.InvariantCulture, $"Training images (a seeded subset). Default {GroundTruthProtocol.TrainSamples:N0} (or all when fewer).") };
        var testSamples = new Option<int?>("--test-samples") { Description = string.Create(CultureInfo.InvariantCulture, $"Test images (the first N). Default {GroundTruthProtocol.TestSamples:N0} (or all when fewer).") };
        var doubleSoftmax = new Option<bool>("--double-softmax") { Description = "The authors' head: softmax of the activated last layer fed to cross-entropy (a double softmax). Default: logits." };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp intra-op threads." };

        var command = new Command("train",
            "Ground truth for one configuration: trains the deep network the probe uses (same spec and seed rules) under the protocol of docs/ground-truth.md " +
            string.Create(CultureInfo.InvariantCulture,
                $"(SGD lr {GroundTruthProtocol.LearningRate}, batch {GroundTruthProtocol.BatchSize}, {GroundTruthProtocol.DefaultSteps} steps, {GroundTruthProtocol.TrainSamples:N0} training and {GroundTruthProtocol.TestSamples:N0} test images) ") +
            "and reports whether test accuracy reaches the threshold within the budget (stopping early once it does).\n" +
            "Example: entropy train --dataset mnist --sigma-w2 1.5 --sigma-b2 0.05 --depth 10 --width 128 --format json")
        {
            dataset, dataDir, architecture, channels, sigmaW2, sigmaB2, depth, width, activation, steps, evaluateEvery, epochs, threshold, optimizer, learningRate, batchSize,
            trainSamples, testSamples, doubleSoftmax, threads, maxMemory, device, seed, format,
        };
        CliAction.Set(command, format, (parse, output, ct) =>
        {
            string name = parse.GetValue(dataset) ?? "mnist";
            GroundTruthDefaults defaults = GroundTruthDefaults.For(name);
            var family = ArchitectureOptions.Resolve(parse.GetValue(architecture), parse.GetValue(channels));
            int? familyChannels = ArchitectureOptions.EffectiveChannels(family, parse.GetValue(channels));
            if (family is ConvolutionalArchitecture && parse.GetValue(width) is { } w && w != "wide")
            {
                throw new ArgumentException($"--width: applies to mlp, not '{family.Name}' (use --channels).");
            }
            if (family is ConvolutionalArchitecture && parse.GetValue(doubleSoftmax))
            {
                throw new ArgumentException($"--double-softmax: the MLP's head; {family.Name} uses the activated outputs as logits, as the authors.");
            }
            var options = new GroundTruthOptions
            {
                SigmaW2 = parse.GetValue(sigmaW2),
                SigmaB2 = parse.GetValue(sigmaB2) ?? family.Defaults.SigmaB2,
                Depth = parse.GetValue(depth),
                Width = NetworkWidth.Parse(parse.GetValue(width) ?? "wide"),
                Activation = Activation.Parse(parse.GetValue(activation) ?? "tanh"),
                Epochs = parse.GetValue(epochs) ?? defaults.Epochs,
                Steps = parse.GetValue(steps) ?? (parse.GetValue(epochs) is null ? GroundTruthProtocol.DefaultSteps : null),
                EvaluateEvery = parse.GetValue(evaluateEvery),
                Threshold = parse.GetValue(threshold) ?? defaults.Threshold,
                Optimizer = GroundTruthOptions.ParseOptimizer(parse.GetValue(optimizer) ?? "sgd"),
                LearningRate = parse.GetValue(learningRate) ?? defaults.LearningRate,
                BatchSize = parse.GetValue(batchSize),
                TrainSamples = parse.GetValue(trainSamples),
                DoubleSoftmax = parse.GetValue(doubleSoftmax),
                Seed = parse.GetValue(seed),
                Device = TorchRuntime.ParseDevice(parse.GetValue(device) ?? "auto"),
                Threads = parse.GetValue(threads),
                MaxMemoryBytes = CommonOptions.ParseMaxMemory(parse.GetValue(maxMemory)),
            };
            // Check the numbers before loading data, so that a typo fails at once.
            CheckNumbers(options);
            if (parse.GetValue(steps) is not null && parse.GetValue(epochs) is not null)
            {
                throw new ArgumentException("Give --steps or --epochs, not both.");
            }
            // With --train-samples only the images the trainer will use are loaded (the same seeded subset it would pick
            // from the whole split); otherwise the split is loaded and the protocol's subset taken from it.
            ImageDataset train = DatasetCatalog.Load(new DatasetRequest(name)
            {
                Split = "train",
                DataDir = parse.GetValue(dataDir),
                MaxMemoryBytes = options.MaxMemoryBytes,
                Subset = options.TrainSamples is >= 1 ? count => GroundTruthTrainer.SubsetIndices(count, options.TrainSamples, options.Seed) : null,
            });
            ImageDataset test = DatasetCatalog.Load(new DatasetRequest(name) { Split = "test", DataDir = parse.GetValue(dataDir), MaxMemoryBytes = options.MaxMemoryBytes });
            options = options with
            {
                TrainSamples = options.TrainSamples ?? Math.Min(GroundTruthProtocol.TrainSamples, train.Count),
                TestSamples = parse.GetValue(testSamples) ?? Math.Min(GroundTruthProtocol.TestSamples, test.Count),
            };
            var progress = output.Json ? null : new EpochLines(output);
            GroundTruthResult result = family is ConvolutionalArchitecture conv
                ? ConvolutionalGroundTruth.Train(train, test, options, conv.Kind, familyChannels!.Value, progress, ct)
                : GroundTruthTrainer.Train(train, test, options, progress, ct);
            string network = family is ConvolutionalArchitecture ? $"{family.Name}, {familyChannels} channels" : options.Width.ToString();
            var summary = new TrainSummary(train.Name, train.Source, result.SigmaW2, result.SigmaB2, result.Depth, network,
                options.Activation.Name, options.Optimizer.ToString().ToLowerInvariant(), options.LearningRate, options.Steps is null ? options.Epochs : null, options.Steps, result.StepsRun, result.Threshold,
                options.DoubleSoftmax ? "double-softmax" : family is ConvolutionalArchitecture ? "activated-logits" : "logits", result.Trainable, result.TestAccuracy, result.TrainAccuracy, result.TrainLoss,
                result.BestTestAccuracy, result.EpochsRun, result.TrainSamples, result.TestSamples, result.Seed, result.Seconds, defaults.Rationale);
            output.Write(summary, w => summary.WriteText(w));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    internal static void CheckNumbers(GroundTruthOptions options)
    {
        if (!(options.SigmaW2 > 0) || !double.IsFinite(options.SigmaW2))
        {
            throw new ArgumentException($"--sigma-w2 must be a finite number above 0; got {options.SigmaW2.ToString(CultureInfo.InvariantCulture)}.");
        }
        if (!(options.SigmaB2 >= 0) || !double.IsFinite(options.SigmaB2))
        {
            throw new ArgumentException($"--sigma-b2 must be a finite number of at least 0; got {options.SigmaB2.ToString(CultureInfo.InvariantCulture)}.");
        }
        if (options.Depth < 2)
        {
            throw new ArgumentException($"--depth must be at least 2; got {options.Depth}.");
        }
        if (options.Epochs < 1)
        {
            throw new ArgumentException($"--epochs must be at least 1; got {options.Epochs}.");
        }
        if (options.Steps is < 1)
        {
            throw new ArgumentException($"--steps must be at least 1; got {options.Steps}.");
        }
        if (options.EvaluateEvery < 1)
        {
            throw new ArgumentException($"--evaluate-every must be at least 1; got {options.EvaluateEvery}.");
        }
        if (!(options.Threshold > 0 && options.Threshold <= 1))
        {
            throw new ArgumentException($"--threshold must be an accuracy in (0, 1]; got {options.Threshold.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private sealed class EpochLines(CliOutput output) : IProgress<GroundTruthProgress>
    {
        public void Report(GroundTruthProgress value)
        {
            if (value.Batch == value.BatchesPerEpoch && value.TestAccuracy is { } accuracy)
            {
                output.Status(string.Create(CultureInfo.InvariantCulture, $"epoch {value.Epoch}/{value.Epochs}: test accuracy {accuracy:F4}"));
            }
        }
    }

    internal sealed record TrainSummary(string Dataset, string Source, double SigmaW2, double SigmaB2, int Depth, string Width, string Activation,
        string Optimizer, double LearningRate, int? EpochBudget, int? StepBudget, int StepsRun, double Threshold, string Head, bool Trainable, double[] TestAccuracy,
        double[] TrainAccuracy, double[] TrainLoss, double BestTestAccuracy, int EpochsRun, int TrainSamples, int TestSamples, int Seed, double Seconds,
        string Defaults)
    {
        public void WriteText(TextWriter w)
        {
            var c = CultureInfo.InvariantCulture;
            w.WriteLine(string.Create(c, $"Ground truth: {Dataset} ({Source}), sigma_w^2 = {SigmaW2}, sigma_b^2 = {SigmaB2}, depth {Depth}, width {Width}, {Activation}, head {Head}"));
            string budget = StepBudget is { } s ? $"{s} step(s)" : $"{EpochBudget} epoch(s)";
            string unit = StepBudget is null ? "epoch" : "evaluation";
            w.WriteLine(string.Create(c, $"Training: {Optimizer} lr {LearningRate}, up to {budget} on {TrainSamples} images; trainable when test accuracy >= {Threshold} ({TestSamples} test images)"));
            for (int e = 0; e < TestAccuracy.Length; e++)
            {
                w.WriteLine(string.Create(c, $"  {unit} {e + 1}: train accuracy {TrainAccuracy[e]:F4}, test accuracy {TestAccuracy[e]:F4}, loss {TrainLoss[e]:F4}"));
            }
            w.WriteLine(string.Create(c, $"Trainable: {(Trainable ? "yes" : "no")} (best test accuracy {BestTestAccuracy:F4} after {StepsRun} step(s), {Seconds:F1} s)"));
        }
    }
}
