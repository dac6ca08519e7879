using System.Diagnostics;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Convolutional;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Benchmarks;

/// <summary>Throughput of one convolution shape: a 3×3 convolution of [B, C_in, H, W] to C_out channels.</summary>
/// <param name="Name">A label such as <c>100x128x7x7 → 128, valid</c>.</param>
/// <param name="Repetitions">Convolutions timed.</param>
/// <param name="Seconds">Seconds for all repetitions.</param>
/// <param name="GflopPerSecond">2·B·C_in·C_out·9·H_out·W_out·repetitions / seconds / 1e9.</param>
/// <param name="When"><c>before</c> or <c>after</c> the timed epoch.</param>
internal sealed record ConvolutionMeasurement(string Name, int Repetitions, double Seconds, double GflopPerSecond, string When);

/// <summary>What <c>entropy bench --architecture cnn</c> prints: the convolution throughputs and one CNN cascade epoch, measured in one run.</summary>
internal sealed record ConvolutionalBenchmarkReport
{
    public required int Threads { get; init; }

    public double? LoadAverage { get; init; }

    public required string Data { get; init; }

    public required IReadOnlyList<ConvolutionMeasurement> Convolutions { get; init; }

    /// <summary>The best measured convolution throughput (the reference).</summary>
    public required double PeakGflopPerSecond { get; init; }

    public required string FlopModel { get; init; }

    public required CascadeEpochMeasurement Epoch { get; init; }
}

/// <summary>
/// The CNN's counterpart of <see cref="ProbeBenchmark"/>: the throughput of the convolutions the paper's CNN is made
/// of, and one cascade epoch of that CNN through the architecture seam, so that the fraction of the convolution
/// throughput reached compares numbers taken under the same load.
/// </summary>
internal static class ConvolutionalBenchmark
{
    /// <summary>The FLOP model of <see cref="CascadeGflop"/>.</summary>
    public const string FlopModel = "per image and layer: the network's convolution forward + the decoder's transposed convolution forward + its weight gradient (2 FLOP per multiply-add; a ResNet block counts its two); tanh, padding, crops, MSE and Adam not counted";

    /// <summary>FLOP of a 3×3 convolution from <paramref name="cIn"/> to <paramref name="cOut"/> channels producing an <paramref name="h"/>×<paramref name="w"/> map, per image.</summary>
    public static double ConvolutionFlop(int cIn, int cOut, int h, int w) =>
        2.0 * cIn * cOut * ConvolutionalDefaults.Kernel * ConvolutionalDefaults.Kernel * h * w;

    /// <summary>GFLOP of one epoch over <paramref name="images"/> images under <see cref="FlopModel"/>.</summary>
    public static double CascadeGflop(ConvolutionalSpec spec, long images)
    {
        ArgumentNullException.ThrowIfNull(spec);
        double perImage = 0;
        for (int l = 1; l <= spec.Layers; l++)
        {
            int cIn = spec.LayerShape(l - 1).C;
            var (c, h, w) = spec.LayerShape(l);
            // The forward convolution produces the layer's map (a block's valid one a map two pixels smaller); the
            // decoder's transposed convolution spreads each of its input's pixels over 3×3 outputs, and its weight
            // gradient costs as much again.
            int hOut = l > ConvolutionalSpec.StemLayers ? h - 2 : h;
            int wOut = l > ConvolutionalSpec.StemLayers ? w - 2 : w;
            int convolutions = spec.ConvolutionsIn(l);
            perImage += ConvolutionFlop(cIn, c, hOut, wOut) + (2 * ConvolutionFlop(c, cIn, h, w));
            if (convolutions == 2)
            {
                perImage += ConvolutionFlop(c, c, hOut, wOut) + (2 * ConvolutionFlop(c, c, h, w));
            }
        }
        return perImage * images / 1e9;
    }

    /// <summary>Times the block convolution of the CNN, [B, c, H/4, W/4] → c valid, for at least <paramref name="minSeconds"/>.</summary>
    public static ConvolutionMeasurement Convolution(int batch, int channels, int size, string when, double minSeconds = 1.0)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var g = new Generator(1);
        Tensor x = randn([batch, channels, size, size], generator: g);
        Tensor weight = randn([channels, channels, 3, 3], generator: g);
        nn.functional.conv2d(x, weight).Dispose();
        var watch = Stopwatch.StartNew();
        int reps = 0;
        do
        {
            nn.functional.conv2d(x, weight).Dispose();
            reps++;
        }
        while (watch.Elapsed.TotalSeconds < minSeconds);
        double s = watch.Elapsed.TotalSeconds;
        double gflop = batch * ConvolutionFlop(channels, channels, size - 2, size - 2) * reps / 1e9;
        return new ConvolutionMeasurement($"{batch}x{channels}x{size}x{size} → {channels}, 3×3 valid", reps, s, gflop / s, when);
    }

    /// <summary>Times one cascade epoch of the paper's CNN (through the seam, as the probe trains it) over all of <paramref name="data"/>.</summary>
    public static CascadeEpochMeasurement CascadeEpoch(ImageDataset data, int channels, int depth, int batchSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        TorchRuntime.EnsureLoaded();
        var architecture = (ConvolutionalArchitecture)ArchitectureCatalog.Get(ConvolutionalArchitecture.CnnName);
        // Near the critical point (mean field 1.0499 at σ_b² 2e-5): activations stay O(1), no subnormal arithmetic.
        var description = new NetworkDescription
        {
            Architecture = architecture.Name,
            SigmaW2 = 1.0,
            SigmaB2 = ConvolutionalDefaults.SigmaB2,
            Depth = depth,
            Channels = channels,
        };
        var input = new ImageShape(data.Channels, data.Height, data.Width);
        NetworkLayout layout = architecture.Layout(description, input, data.ClassNames.Count, data.Name);
        using var network = architecture.Create(description, layout, 1, CPU);
        using var trainer = network.CreateTrainer(architecture.Defaults.LearningRate);
        using var shuffle = new Generator(2);
        int[] indices = [.. Enumerable.Range(0, data.Count)];
        var watch = Stopwatch.StartNew();
        trainer.Train(data, indices, 1, batchSize, shuffle, null, ct);
        double s = watch.Elapsed.TotalSeconds;
        double gflop = CascadeGflop(architecture.Spec(description, input, data.ClassNames.Count), data.Count);
        return new CascadeEpochMeasurement("cnn", depth, $"{channels} channels", data.Count, batchSize, s, gflop, gflop / s, double.NaN);
    }

    /// <summary>The convolution throughput before and after one epoch, and the epoch's fraction of the best of them.</summary>
    public static ConvolutionalBenchmarkReport Run(ImageDataset data, string dataNote, int channels, int depth, int batchSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        double? load = ProbeBenchmark.LoadAverage();
        var convolutions = new List<ConvolutionMeasurement>
        {
            Convolution(batchSize, channels, data.Height / 4, "before"),
        };
        CascadeEpochMeasurement epoch = CascadeEpoch(data, channels, depth, batchSize, ct);
        convolutions.Add(Convolution(batchSize, channels, data.Height / 4, "after"));
        double peak = convolutions.Max(c => c.GflopPerSecond);
        return new ConvolutionalBenchmarkReport
        {
            Threads = torch.get_num_threads(),
            LoadAverage = load,
            Data = dataNote,
            Convolutions = convolutions,
            PeakGflopPerSecond = peak,
            FlopModel = FlopModel,
            Epoch = epoch with { FractionOfPeak = epoch.GflopPerSecond / peak },
        };
    }
}
