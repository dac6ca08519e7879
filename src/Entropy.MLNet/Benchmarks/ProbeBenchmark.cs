using System.Diagnostics;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Mlp;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Entropy.MLNet.Benchmarks;

/// <summary>Throughput of one matrix-product shape: [M, K] × [K, N].</summary>
/// <param name="Name">A label such as <c>64x784 · 784x784</c>.</param>
/// <param name="M">Rows of the left factor.</param>
/// <param name="K">Inner dimension.</param>
/// <param name="N">Columns of the right factor.</param>
/// <param name="Repetitions">Products timed.</param>
/// <param name="Seconds">Seconds for all repetitions.</param>
/// <param name="GflopPerSecond">2·M·K·N·repetitions / seconds / 1e9.</param>
public sealed record MatmulMeasurement(string Name, int M, int K, int N, int Repetitions, double Seconds, double GflopPerSecond)
{
    /// <summary>When in the run it was measured (e.g. <c>before</c> or <c>after</c> the timed epochs); empty when not said.</summary>
    public string When { get; init; } = "";
}

/// <summary>One timed cascade-training epoch.</summary>
/// <param name="Engine"><c>probe</c> (this library's trainer) or <c>plain</c> (one Linear decoder and one Adam per layer, the authors' loop).</param>
/// <param name="Depth">Network depth D.</param>
/// <param name="Width">Width rule.</param>
/// <param name="Images">Images in the epoch.</param>
/// <param name="BatchSize">Mini-batch size.</param>
/// <param name="Seconds">Seconds for the epoch (training loop only).</param>
/// <param name="Gflop">Work counted by the FLOP model, in GFLOP.</param>
/// <param name="GflopPerSecond">Gflop / Seconds.</param>
/// <param name="FractionOfPeak">GflopPerSecond / the best measured matmul throughput: NaN as timed, set by the caller once the peak is measured (the peak is taken after the epochs too).</param>
public sealed record CascadeEpochMeasurement(string Engine, int Depth, string Width, int Images, int BatchSize, double Seconds,
    double Gflop, double GflopPerSecond, double FractionOfPeak);

/// <summary>Everything <c>entropy bench</c> prints.</summary>
public sealed record BenchmarkReport
{
    /// <summary>TorchSharp intra-op threads.</summary>
    public required int Threads { get; init; }

    /// <summary>Processor count the runtime sees.</summary>
    public required int ProcessorCount { get; init; }

    /// <summary>The 1-minute load average when the run started (Linux; null elsewhere): other work on the machine inflates the timings.</summary>
    public double? LoadAverage { get; init; }

    /// <summary>Where the images came from.</summary>
    public required string Data { get; init; }

    /// <summary>Matmul throughputs measured in this run.</summary>
    public required IReadOnlyList<MatmulMeasurement> Matmul { get; init; }

    /// <summary>The best measured matmul throughput (the "peak").</summary>
    public required double PeakGflopPerSecond { get; init; }

    /// <summary>What the GFLOP numbers count.</summary>
    public required string FlopModel { get; init; }

    /// <summary>The timed epochs.</summary>
    public required IReadOnlyList<CascadeEpochMeasurement> Epochs { get; init; }
}

/// <summary>
/// Measures the machine's matrix-product throughput and the cascade-training epoch (paper setting: wide 784, depth 10,
/// batch 64) in one run, so that the fraction of peak compares numbers taken under the same load.
/// </summary>
public static class ProbeBenchmark
{
    /// <summary>
    /// The FLOP model: per image and linear layer n_ℓ−1 → n_ℓ, three matrix products of 2·n_ℓ−1·n_ℓ FLOP each: the
    /// frozen network's forward, the decoder's forward and the decoder's weight gradient (no input gradient is needed:
    /// the decoder's input comes from the frozen network). Element-wise work (tanh, MSE, Adam) is not counted.
    /// </summary>
    public const string FlopModel = "6·B·Σ n_{l-1}·n_l per batch of B: network forward + decoder forward + decoder weight gradient (2 FLOP per multiply-add); tanh, MSE and Adam not counted";

    /// <summary>GFLOP of one epoch over <paramref name="images"/> images under <see cref="FlopModel"/>.</summary>
    public static double CascadeGflop(IReadOnlyList<int> layerSizes, long images)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        double perImage = 0;
        for (int l = 1; l < layerSizes.Count; l++)
        {
            perImage += 6.0 * layerSizes[l - 1] * layerSizes[l];
        }
        return perImage * images / 1e9;
    }

    /// <summary>Times [M, K] × [K, N] products for at least <paramref name="minSeconds"/> (after one warm-up product).</summary>
    public static MatmulMeasurement Matmul(int m, int k, int n, double minSeconds = 1.0)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        Tensor a = randn([m, k], generator: g);
        Tensor b = randn([k, n], generator: g);
        a.mm(b).Dispose();
        var watch = Stopwatch.StartNew();
        int reps = 0;
        do
        {
            a.mm(b).Dispose();
            reps++;
        }
        while (watch.Elapsed.TotalSeconds < minSeconds);
        double s = watch.Elapsed.TotalSeconds;
        return new MatmulMeasurement($"{m}x{k} · {k}x{n}", m, k, n, reps, s, 2.0 * m * k * n * reps / s / 1e9);
    }

    /// <summary>Times one cascade epoch with this library's trainer (<see cref="CascadeTrainer"/>: workers, row blocks, fused Adam).</summary>
    /// <param name="data">Training images (all are used).</param>
    /// <param name="depth">Depth D (wide network).</param>
    /// <param name="batchSize">Mini-batch size.</param>
    /// <param name="progress">Optional per-batch progress.</param>
    /// <param name="ct">Cancellation.</param>
    public static CascadeEpochMeasurement CascadeEpoch(ImageDataset data, int depth, int batchSize,
        IProgress<ProbeProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        TorchRuntime.EnsureLoaded();
        // σ_w² at the critical point: activations and gradients stay O(1), so no subnormal arithmetic skews the timing.
        // Built through the architecture seam, as the probe builds it: the timing is the probe's.
        Architecture mlp = ArchitectureCatalog.Mlp;
        var description = new NetworkDescription { SigmaW2 = 1.76, Depth = depth };
        NetworkLayout layout = mlp.Layout(description, new ImageShape(data.Channels, data.Height, data.Width), data.ClassNames.Count, data.Name);
        using var network = mlp.Create(description, layout, 1, CPU);
        using var trainer = network.CreateTrainer(mlp.Defaults.LearningRate);
        using var shuffle = new Generator(2);
        int[] indices = [.. Enumerable.Range(0, data.Count)];
        var watch = Stopwatch.StartNew();
        trainer.Train(data, indices, 1, batchSize, shuffle, progress is null ? null : chunk =>
        {
            progress.Report(new ProbeProgress(ProbePhase.Training, chunk.BatchesDone, chunk.BatchesTotal, chunk.ImagesPerSecond, chunk.Epoch));
            return true;
        }, ct);
        double s = watch.Elapsed.TotalSeconds;
        double gflop = CascadeGflop(network.LayerSizes, data.Count);
        return new CascadeEpochMeasurement("probe", depth, "wide", data.Count, batchSize, s, gflop, gflop / s, double.NaN);
    }

    /// <summary>
    /// Times the same epoch as the authors' loop would run it: per batch and per layer, forward one layer, apply that
    /// layer's own Linear decoder, backward, and step that decoder's own Adam (TorchSharp's <c>optim.Adam</c>).
    /// </summary>
    /// <inheritdoc cref="CascadeEpoch"/>
    public static CascadeEpochMeasurement PlainEpoch(ImageDataset data, int depth, int batchSize,
        IProgress<ProbeProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        TorchRuntime.EnsureLoaded();
        var spec = new NetworkSpec { InputSize = data.FeatureSize, Classes = data.ClassNames.Count, Depth = depth, SigmaW2 = 1.76, Seed = 1 };
        using var network = DeepNetwork.Create(spec);
        var sizes = network.LayerSizes;
        var decoders = new List<(Parameter W, Parameter B)>();
        var optimizers = new List<optim.Optimizer>();
        using var init = new Generator(3);
        try
        {
            for (int l = 1; l < sizes.Count; l++)
            {
                // nn.Linear's default init would draw from the global generator; same U(±1/√fan_in) from a private one.
                double bound = 1 / Math.Sqrt(sizes[l]);
                using Scalar width = (2 * bound).ToScalar();
                using Scalar shift = bound.ToScalar();
                using var w = rand([sizes[l - 1], sizes[l]], generator: init).mul_(width).sub_(shift);
                using var b = rand([sizes[l - 1]], generator: init).mul_(width).sub_(shift);
                var decoder = (new Parameter(w.clone()), new Parameter(b.clone()));
                decoders.Add(decoder);
                optimizers.Add(optim.Adam([decoder.Item1, decoder.Item2], lr: ProbeDefaults.Mlp.LearningRate));
            }
            int d = data.FeatureSize;
            int batches = (data.Count + batchSize - 1) / batchSize;
            var watch = Stopwatch.StartNew();
            for (int batch = 0; batch < batches; batch++)
            {
                ct.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, data.Count - (batch * batchSize));
                using var scope = NewDisposeScope();
                Tensor x = tensor(data.Pixels.Slice(batch * batchSize * d, n * d).ToArray(), [n, d]);
                for (int l = 1; l < sizes.Count; l++)
                {
                    Tensor next;
                    using (no_grad())
                    {
                        next = network.ForwardLayer(l, x);
                    }
                    optimizers[l - 1].zero_grad();
                    Tensor loss = nn.functional.mse_loss(nn.functional.linear(next, decoders[l - 1].W, decoders[l - 1].B).tanh(), x);
                    loss.backward();
                    optimizers[l - 1].step();
                    x = next;
                }
                progress?.Report(new ProbeProgress(ProbePhase.Training, batch + 1, batches, (batch + 1) * (double)batchSize / watch.Elapsed.TotalSeconds, 1));
            }
            double s = watch.Elapsed.TotalSeconds;
            double gflop = CascadeGflop(sizes, data.Count);
            return new CascadeEpochMeasurement("plain", depth, "wide", data.Count, batchSize, s, gflop, gflop / s, double.NaN);
        }
        finally
        {
            foreach (var o in optimizers)
            {
                o.Dispose();
            }
            foreach (var (w, b) in decoders)
            {
                w.Dispose();
                b.Dispose();
            }
        }
    }

    /// <summary>The images of <paramref name="data"/> repeated <paramref name="times"/> times (e.g. the embedded 5,000 MNIST images ×12 = 60,000).</summary>
    public static ImageDataset Repeat(ImageDataset data, int times)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        var pixels = new float[(long)data.Pixels.Length * times];
        var labels = new int[data.Count * times];
        for (int t = 0; t < times; t++)
        {
            data.Pixels.CopyTo(pixels.AsSpan(t * data.Pixels.Length));
            data.Labels.CopyTo(labels.AsSpan(t * data.Count));
        }
        return new ImageDataset(data.Name, data.Split, $"{data.Source} ×{times}", data.Channels, data.Height, data.Width, pixels, labels, data.ClassNames);
    }

    /// <summary>The 1-minute load average from /proc/loadavg, or null when unavailable.</summary>
    public static double? LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
