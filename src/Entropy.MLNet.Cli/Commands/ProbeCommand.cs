using System.CommandLine;
using System.Globalization;
using System.Text;
using Entropy.MLNet.Architectures.Convolutional;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Reporting;
using Entropy.MLNet.Runtime;
using Spectre.Console;

namespace Entropy.MLNet.Cli.Commands;

/// <summary><c>entropy probe</c>: one reconstruction-entropy probe at (σ_w², σ_b², depth), printing the curve and the cutoff.</summary>
internal static class ProbeCommand
{
    // ProbeOptions.Validate names the option; the CLI says which flag that is.
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        [nameof(ProbeOptions.SigmaW2)] = "--sigma-w2",
        [nameof(ProbeOptions.SigmaB2)] = "--sigma-b2",
        [nameof(ProbeOptions.Depth)] = "--depth",
        [nameof(ProbeOptions.Width)] = "--width",
        [nameof(ProbeOptions.TrainSamples)] = "--train-samples",
        [nameof(ProbeOptions.Epochs)] = "--epochs",
        [nameof(ProbeOptions.BatchSize)] = "--batch-size",
        [nameof(ProbeOptions.LearningRate)] = "--learning-rate",
        [nameof(ProbeOptions.EntropySamples)] = "--entropy-samples",
        [nameof(ProbeOptions.ReconstructionImages)] = "--images",
        [nameof(ProbeOptions.Threads)] = "--threads",
        [nameof(ProbeOptions.ExcludedLastLayers)] = "--depth",
        [nameof(ProbeOptions.Architecture)] = "--architecture",
        [nameof(ProbeOptions.Channels)] = "--channels",
        [nameof(ProbeOptions.Mode)] = "--adaptive/--least-squares",
    };

    /// <summary>The probe mode from its flags; the flags exclude each other.</summary>
    internal static ProbeMode ParseMode(bool adaptive, bool leastSquares)
    {
        if (adaptive && leastSquares)
        {
            throw new ArgumentException("--adaptive and --least-squares exclude each other.");
        }
        return adaptive ? ProbeMode.Adaptive : leastSquares ? ProbeMode.LeastSquares : ProbeMode.Faithful;
    }

    public static Command Create()
    {
        var format = CommonOptions.Format();
        var dataDir = CommonOptions.DataDir();
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var maxMemory = CommonOptions.MaxMemory();
        var dataset = new Option<string>("--dataset") { Description = "Dataset name, e.g. mnist.", DefaultValueFactory = _ => "mnist" };
        var sigmaW2 = new Option<double>("--sigma-w2") { Description = "Weight variance σ_w² (W ~ N(0, σ_w²/fan_in)).", Required = true };
        var architecture = ArchitectureOptions.Architecture();
        var channels = ArchitectureOptions.Channels();
        var sigmaB2 = new Option<double?>("--sigma-b2") { Description = $"Bias variance σ_b² (default: {ProbeDefaults.Mlp.SigmaB2} for mlp, {ConvolutionalDefaults.SigmaB2} for cnn/resnet, the authors')." };
        var depth = new Option<int>("--depth") { Description = "Depth D of the deep network.", Required = true };
        var width = new Option<string>("--width") { Description = "wide (input width, then 400, then classes), shrinking, a fixed width such as 128, or a list such as 784,512,10.", DefaultValueFactory = _ => "wide" };
        var activation = new Option<string>("--activation") { Description = "tanh, relu, hardtanh, gelu, erf or linear.", DefaultValueFactory = _ => "tanh" };
        var trainSamples = new Option<int?>("--train-samples") { Description = "Training images for the decoders (default: all)." };
        var epochs = new Option<int>("--epochs") { Description = "Decoder epochs.", DefaultValueFactory = _ => 1 };
        var batchSize = new Option<int?>("--batch-size") { Description = $"Mini-batch size (default: {ProbeDefaults.Mlp.BatchSize} for mlp, {ConvolutionalDefaults.BatchSize} for cnn/resnet)." };
        var learningRate = new Option<double>("--learning-rate") { Description = "Adam learning rate of the decoders.", DefaultValueFactory = _ => ProbeDefaults.Mlp.LearningRate };
        var entropySamples = new Option<int>("--entropy-samples") { Description = "Test images in the entropy sample.", DefaultValueFactory = _ => 100 };
        var images = new Option<int>("--images") { Description = "Test images shown in reconstructions.png.", DefaultValueFactory = _ => 8 };
        var gridLayers = new Option<string?>("--grid-layers") { Description = "Layers shown in reconstructions.png, e.g. 1,2,5,10 (default: all)." };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp intra-op threads (default: TorchSharp's)." };
        var adaptive = new Option<bool>("--adaptive") { Description = "Adaptive mode (mlp only): decoders train until their losses converge and the cascade grows only until the curve has saturated (docs/performance.md). Default: the authors' faithful method." };
        var leastSquares = new Option<bool>("--least-squares") { Description = "Least-squares decoders (mlp only): each decoder fitted in closed form (ridge regression in its pre-activation space) over the training images instead of one epoch of Adam; its own calibration and agreement numbers (docs/prediction.md). Default: the authors' faithful method." };
        var snapshots = new Option<string?>("--snapshots") { Description = "Study aid (faithful mode, needs --out): also measure the curve after these training-image counts, e.g. 4096,8192,16384, and write snapshots.csv and losses.csv (docs/performance.md)." };
        var outDir = new Option<string?>("--out") { Description = "Directory for reconstructions.png, ideal-inputs.png, curves.csv and result.json." };
        var command = new Command("probe",
            "Trains a decoder cascade on a random deep network and prints the per-layer reconstruction entropy and its cutoff, the predicted maximum trainable depth.\n" +
            "Example: entropy probe --dataset mnist --sigma-w2 1.76 --depth 30 --out probe-1.76")
        {
            dataset, dataDir, architecture, channels, sigmaW2, sigmaB2, depth, width, activation, trainSamples, epochs, batchSize, learningRate,
            entropySamples, images, gridLayers, seed, threads, maxMemory, device, adaptive, leastSquares, snapshots, outDir, format,
        };
        CliAction.Set(command, format, (parse, output, ct) =>
        {
            var family = ArchitectureOptions.Resolve(parse.GetValue(architecture), parse.GetValue(channels));
            ProbeDefaults defaults = family.Defaults;
            var options = new ProbeOptions
            {
                Architecture = family.Name,
                Channels = parse.GetValue(channels),
                SigmaW2 = parse.GetValue(sigmaW2),
                SigmaB2 = parse.GetValue(sigmaB2) ?? defaults.SigmaB2,
                CutoffTolerance = defaults.CutoffTolerance,
                Depth = parse.GetValue(depth),
                Width = NetworkWidth.Parse(parse.GetValue(width)!),
                Activation = Activation.Parse(parse.GetValue(activation)!),
                TrainSamples = parse.GetValue(trainSamples),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize) ?? defaults.BatchSize,
                LearningRate = parse.GetValue(learningRate),
                EntropySamples = parse.GetValue(entropySamples),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                MaxMemoryBytes = CommonOptions.ParseMaxMemory(parse.GetValue(maxMemory)),
                Device = TorchRuntime.ParseDevice(parse.GetValue(device)!),
                Mode = ParseMode(parse.GetValue(adaptive), parse.GetValue(leastSquares)),
            };
            options = options with { ReconstructionImages = Math.Min(Math.Max(0, parse.GetValue(images)), Math.Max(0, options.EntropySamples)) };
            int[]? layers = ParseLayers(parse.GetValue(gridLayers));
            string? dir = parse.GetValue(outDir);
            if (dir is not null)
            {
                EnsureWritable(dir);
            }
            string name = parse.GetValue(dataset)!;
            string? data = parse.GetValue(dataDir);
            // Only the training images the probe will use are loaded (the same seeded subset it would pick from the whole split).
            var train = DatasetCatalog.Load(new DatasetRequest(name)
            {
                Split = "train",
                DataDir = data,
                Subset = options.TrainSamples is >= 1 ? count => ReconstructionProbe.TrainingIndices(count, options) : null,
                MaxMemoryBytes = options.MaxMemoryBytes,
            });
            var test = DatasetCatalog.Load(new DatasetRequest(name) { Split = "test", DataDir = data, MaxMemoryBytes = options.MaxMemoryBytes });
            ValidateForCli(options, train, test);
            if (train.Source == DatasetCatalog.EmbeddedSource && !output.Json)
            {
                output.Status($"Using the MNIST subset embedded in the library ({train.Count} training, {test.Count} test images); pass --data-dir for the full set.");
            }
            ProbeTrace? trace = ProbeSnapshots.Parse(parse.GetValue(snapshots), options, dir);
            ProbeResult result = trace is null ? RunWithProgress(train, test, options, output, ct) : ReconstructionProbe.RunTraced(train, test, options, trace, new StatusLines(output), ct);
            var files = new List<string>();
            if (dir is not null)
            {
                files.AddRange(WriteOutputs(dir, result, layers));
                if (trace is not null)
                {
                    files.AddRange(ProbeSnapshots.Write(dir, trace));
                }
            }
            var report = ProbeReport.From(result, files);
            output.Write(report, w => WriteText(w, result, files));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>Validates before any work and turns option names into flags.</summary>
    private static void ValidateForCli(ProbeOptions options, ImageDataset train, ImageDataset test)
    {
        try
        {
            options.Validate(train, test);
        }
        catch (ArgumentException ex) when (ex.ParamName is not null && Flags.TryGetValue(ex.ParamName, out string? flag))
        {
            string message = ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new ArgumentException($"{flag}: {message}", ex);
        }
    }

    private static ProbeResult RunWithProgress(ImageDataset train, ImageDataset test, ProbeOptions options, CliOutput output, CancellationToken ct)
    {
        bool bar = !output.Json && ReferenceEquals(output.Error, Console.Error) && !Console.IsErrorRedirected;
        if (!bar)
        {
            var throttle = new StatusLines(output);
            return ReconstructionProbe.Run(train, test, options, throttle, ct);
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        ProbeResult? result = null;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"σ_w²={options.SigmaW2.ToString(CultureInfo.InvariantCulture)} depth {options.Depth}: building", maxValue: 1);
                var progress = new SyncProgress(p =>
                {
                    switch (p.Phase)
                    {
                        case ProbePhase.Training:
                            task.MaxValue = Math.Max(1, p.TotalBatches);
                            task.Value = p.Batch;
                            task.Description = $"training decoders ({p.SamplesPerSecond:F0} images/s)";
                            break;
                        case ProbePhase.Evaluating:
                            task.Description = "reconstructing";
                            break;
                        case ProbePhase.Done:
                            task.Value = task.MaxValue;
                            break;
                    }
                });
                result = ReconstructionProbe.Run(train, test, options, progress, ct);
            });
        return result!;
    }

    private static void EnsureWritable(string dir)
    {
        try
        {
            Directory.CreateDirectory(dir);
            string probe = Path.Combine(dir, $".entropy-write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new IOException($"--out: cannot write to '{dir}': {ex.Message}", ex);
        }
    }

    private static int[]? ParseLayers(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var layers = new List<int> { 0 };
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int l) || l < 1)
            {
                throw new ArgumentException($"--grid-layers: '{part}' is not a layer number (1 or more).");
            }
            layers.Add(l);
        }
        return [.. layers];
    }

    private static List<string> WriteOutputs(string dir, ProbeResult result, int[]? layers)
    {
        var files = new List<string>();
        if (result.Reconstructions is { Images.Length: > 0 } recon)
        {
            if (layers is not null && layers.Max() > result.Layers)
            {
                throw new ArgumentException($"--grid-layers: layer {layers.Max()} does not exist; the network has {result.Layers} layers.");
            }
            string path = Path.Combine(dir, "reconstructions.png");
            ReconstructionGrid.Write(path, recon, new GridOptions { Layers = layers });
            files.Add(path);
        }
        if (result.IdealInputs is { Length: > 0 } ideal && result.Reconstructions is { } shape)
        {
            string path = Path.Combine(dir, "ideal-inputs.png");
            using (var file = File.Create(path))
            {
                ReconstructionGrid.WriteRow(file, ideal, shape.Channels, shape.Height, shape.Width);
            }
            files.Add(path);
        }
        string csv = Path.Combine(dir, "curves.csv");
        File.WriteAllText(csv, CurvesCsv(result));
        files.Add(csv);
        string json = Path.Combine(dir, "result.json");
        File.WriteAllText(json, result.ToJson());
        files.Add(json);
        return files;
    }

    /// <summary>One row per layer: the curve columns are empty for the excluded deepest layers.</summary>
    internal static string CurvesCsv(ProbeResult r)
    {
        var sb = new StringBuilder("layer,median_relative_entropy,mean_relative_entropy,normalized_median,differential_entropy,decoder_test_mse\n");
        for (int l = 1; l <= r.Layers; l++)
        {
            int i = l - 1;
            bool curve = i < r.MedianRelativeEntropy.Length;
            sb.Append(l.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(curve ? F(r.MedianRelativeEntropy[i]) : string.Empty).Append(',')
              .Append(curve ? F(r.MeanRelativeEntropy[i]) : string.Empty).Append(',')
              .Append(curve ? F(r.NormalizedMedian[i]) : string.Empty).Append(',')
              .Append(curve ? r.DifferentialEntropy[i].ToString("R", CultureInfo.InvariantCulture) : string.Empty).Append(',')
              .Append(F(r.DecoderTestMse[i])).Append('\n');
        }
        return sb.ToString();
    }

    private static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static void WriteText(TextWriter w, ProbeResult r, List<string> files)
    {
        var ci = CultureInfo.InvariantCulture;
        string network = r.Architecture is { } family
            ? string.Create(ci, $"{r.Layers} layers, {family} with {r.Channels} channels, {r.Activation}")
            : string.Create(ci, $"{r.Layers} linear layers, width {r.Width}, {r.Activation}");
        w.WriteLine(string.Create(ci, $"Reconstruction-entropy probe: {r.Dataset} ({r.Source}), σ_w² = {r.SigmaW2}, σ_b² = {r.SigmaB2}, depth {r.Depth} ({network})"));
        // Least-squares decoders have no epochs or batches: say how many images they were fitted on instead.
        string budget = r.Mode == ProbeMode.LeastSquares.ToName()
            ? string.Create(ci, $"{r.TrainImagesUsed} of {r.TrainSamples} training images (decoders in closed form)")
            : string.Create(ci, $"{r.TrainSamples} training images, {r.Epochs} epoch(s), batch {r.BatchSize}");
        w.WriteLine(string.Create(ci, $"{budget}, {r.EntropySamples} test images, seed {r.Seed}, {r.Threads} thread(s) on {r.Device}: trained in {r.TrainSeconds:F1} s, evaluated in {r.EvaluateSeconds:F1} s"));
        if (r.Mode is { } mode)
        {
            string depthNote = r.MeasuredLayers is { } m ? string.Create(ci, $"decoders 1..{m} (the curve saturated; deeper layers not measured)") : "every decoder";
            string imagesNote = r.TrainImagesUsed is not { } n ? "every image"
                : mode == ProbeMode.LeastSquares.ToName() ? string.Create(ci, $"decoders fitted in closed form on {n} images")
                : string.Create(ci, $"{n} images per decoder before their losses converged");
            w.WriteLine(string.Create(ci, $"mode: {mode}: {depthNote}, {imagesNote} (without the flag: the authors' full epoch)"));
        }
        w.WriteLine();
        w.WriteLine(" index  layer   median KL    mean KL   normalised   diff. entropy   decoder test MSE");
        int shown = Math.Min(r.MedianRelativeEntropy.Length, r.MeasuredLayers ?? int.MaxValue);
        for (int i = 0; i < shown; i++)
        {
            string mark = i + 1 == r.DivergenceLayer ? "  ← diverges" : i == r.Cutoff ? "  ← cutoff" : string.Empty;
            w.WriteLine(string.Create(ci, $"{i,6} {i + 1,6} {r.MedianRelativeEntropy[i],11:F5} {r.MeanRelativeEntropy[i],10:F5} {r.NormalizedMedian[i],12:F5} {r.DifferentialEntropy[i],15:F3} {r.DecoderTestMse[i],18:0.000E+00}{mark}"));
        }
        if (r.MeasuredLayers is { } measured)
        {
            w.WriteLine(string.Create(ci, $"{"-",6} {measured + 1,6}–{r.Layers} not measured: the adaptive cascade stopped once the curve had saturated"));
        }
        for (int i = r.MedianRelativeEntropy.Length; i < r.Layers && r.MeasuredLayers is null; i++)
        {
            w.WriteLine(string.Create(ci, $"{"-",6} {i + 1,6} {"(excluded from the curve, as the authors)",-59} {r.DecoderTestMse[i],18:0.000E+00}"));
        }
        w.WriteLine();
        int length = r.MedianRelativeEntropy.Length;
        if (r.DivergenceLayer is { } diverges)
        {
            // Overflowed activations or entropies are no measurement: say so, and never let them read as a depth.
            w.WriteLine(string.Create(ci, $"the network diverges at layer {diverges}: its activations or relative entropies are not finite (overflow to ±∞ or NaN) from there on."));
            if (diverges <= 1)
            {
                w.WriteLine("cutoff: none (no layer was measured before the divergence); no depth is predicted trainable.");
                WriteFiles(w, files);
                return;
            }
            if (diverges <= length)
            {
                w.WriteLine(string.Create(ci, $"cutoff: {r.Cutoff}, read from layers 1..{diverges - 1} only (deepest curve index whose normalised median differs from layer {diverges - 1}'s by more than {r.CutoffTolerance * 100:G3} %)"));
                w.WriteLine(string.Create(ci, $"predicted maximum trainable depth ≈ {r.Cutoff} (below the divergence at layer {diverges})"));
                WriteFiles(w, files);
                return;
            }
        }
        w.WriteLine(string.Create(ci, $"cutoff: {r.Cutoff} (deepest curve index whose normalised median differs from the last value by more than {r.CutoffTolerance * 100:G3} %)"));
        if (r.Cutoff >= length)
        {
            w.WriteLine(string.Create(ci, $"The curve is flat within the tolerance; as the authors, that is reported as the maximum, {length}."));
        }
        else if (r.Cutoff >= length - 2)
        {
            w.WriteLine("The curve is still changing near the deepest measured layer: the trainable depth may exceed this network's depth; probe deeper to resolve it.");
        }
        w.WriteLine(string.Create(ci, $"predicted maximum trainable depth ≈ {r.Cutoff}"));
        if (r.DifferentialCutoff is { } dc)
        {
            w.WriteLine(string.Create(ci, $"differential-entropy cutoff (authors' \"differential\" variant, index into the curve trimmed by 2 at each end): {dc}"));
        }
        WriteFiles(w, files);
    }

    private static void WriteFiles(TextWriter w, List<string> files)
    {
        foreach (string f in files)
        {
            w.WriteLine($"wrote {f}");
        }
    }

    /// <summary>Plain status lines on stderr, at most every 5 seconds (no bar when redirected).</summary>
    private sealed class StatusLines(CliOutput output) : IProgress<ProbeProgress>
    {
        private DateTime _last = DateTime.UtcNow;

        public void Report(ProbeProgress value)
        {
            if (output.Json || value.Phase != ProbePhase.Training || DateTime.UtcNow - _last < TimeSpan.FromSeconds(5))
            {
                return;
            }
            _last = DateTime.UtcNow;
            output.Status(string.Create(CultureInfo.InvariantCulture,
                $"training decoders: batch {value.Batch}/{value.TotalBatches} ({value.Fraction:P0}, {value.SamplesPerSecond:F0} images/s)"));
        }
    }

    private sealed class SyncProgress(Action<ProbeProgress> report) : IProgress<ProbeProgress>
    {
        public void Report(ProbeProgress value) => report(value);
    }

    /// <summary>The JSON document of <c>entropy probe --format json</c> (camelCase).</summary>
    internal sealed record ProbeReport
    {
        public string? Dataset { get; init; }

        public string? Source { get; init; }

        public double SigmaW2 { get; init; }

        public double SigmaB2 { get; init; }

        public int Depth { get; init; }

        public int Layers { get; init; }

        public string Width { get; init; } = "";

        public string Activation { get; init; } = "";

        public int Cutoff { get; init; }

        public int? DivergenceLayer { get; init; }

        public double CutoffTolerance { get; init; }

        public float[] RelativeEntropy { get; init; } = [];

        public float[] MeanRelativeEntropy { get; init; } = [];

        public float[] NormalizedMedian { get; init; } = [];

        public double[] DifferentialEntropy { get; init; } = [];

        public int? DifferentialCutoff { get; init; }

        public float[] DecoderTestMse { get; init; } = [];

        public int Seed { get; init; }

        public int Threads { get; init; }

        public string Device { get; init; } = "";

        public int TrainSamples { get; init; }

        public string Mode { get; init; } = "faithful";

        public int? TrainImagesUsed { get; init; }

        public int? MeasuredLayers { get; init; }

        public int Epochs { get; init; }

        public int BatchSize { get; init; }

        public int EntropySamples { get; init; }

        public double TrainSeconds { get; init; }

        public double EvaluateSeconds { get; init; }

        public double Seconds { get; init; }

        public IReadOnlyList<string>? Files { get; init; }

        public static ProbeReport From(ProbeResult r, IReadOnlyList<string> files) => new()
        {
            Dataset = r.Dataset,
            Source = r.Source,
            SigmaW2 = r.SigmaW2,
            SigmaB2 = r.SigmaB2,
            Depth = r.Depth,
            Layers = r.Layers,
            Width = r.Width,
            Activation = r.Activation,
            Cutoff = r.Cutoff,
            DivergenceLayer = r.DivergenceLayer,
            CutoffTolerance = r.CutoffTolerance,
            RelativeEntropy = r.MedianRelativeEntropy,
            MeanRelativeEntropy = r.MeanRelativeEntropy,
            NormalizedMedian = r.NormalizedMedian,
            DifferentialEntropy = r.DifferentialEntropy,
            DifferentialCutoff = r.DifferentialCutoff,
            DecoderTestMse = r.DecoderTestMse,
            Seed = r.Seed,
            Threads = r.Threads,
            Device = r.Device,
            TrainSamples = r.TrainSamples,
            Mode = r.Mode ?? "faithful",
            TrainImagesUsed = r.TrainImagesUsed,
            MeasuredLayers = r.MeasuredLayers,
            Epochs = r.Epochs,
            BatchSize = r.BatchSize,
            EntropySamples = r.EntropySamples,
            TrainSeconds = r.TrainSeconds,
            EvaluateSeconds = r.EvaluateSeconds,
            Seconds = r.Seconds,
            Files = files.Count > 0 ? files : null,
        };
    }
}
