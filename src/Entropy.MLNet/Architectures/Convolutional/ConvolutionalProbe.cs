using System.Diagnostics;
using Entropy.MLNet.Data;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// The reconstruction-entropy probe on the paper's CNN or ResNet: build the network at (σ_w², σ_b²), train its
/// transposed-convolution decoders for one epoch, and measure the entropy curve and cutoff on held-out images.
/// </summary>
internal static class ConvolutionalProbe
{
    /// <summary>Builds the network and trains the decoders; validated (memory included) before any allocation.</summary>
    public static ConvolutionalProbeModel Fit(ImageDataset train, ConvolutionalProbeOptions options,
        IProgress<ProbeProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        ConvolutionalSpec spec = options.Validate(train);
        ct.ThrowIfCancellationRequested();
        Device device = TorchRuntime.ResolveDevice(options.Device);
        int threads = TorchThreads.Apply(options.Threads);
        var watch = Stopwatch.StartNew();
        progress?.Report(new ProbeProgress(ProbePhase.Building, 0, 1, 0));
        ConvolutionalNetwork? network = null;
        ConvolutionalCascade? cascade = null;
        try
        {
            network = new ConvolutionalNetwork(spec, device);
            cascade = new ConvolutionalCascade(spec, device);
            int[] indices = TrainingIndices(train.Count, options.TrainSamples, options.Seed);
            using (var trainer = new ConvolutionalCascadeTrainer(network, cascade, options.LearningRate, device))
            using (var shuffle = new Generator(unchecked((ulong)options.Seed) ^ ProbeModel.ShuffleStream))
            {
                trainer.Train(train, indices, options.Epochs, options.BatchSize, shuffle, progress, ct);
            }
            var info = new ProbeModel.ModelInfo
            {
                Channels = train.Channels,
                Height = train.Height,
                Width = train.Width,
                Dataset = train.Name,
                Source = train.Source,
                TrainSamples = indices.Length,
                TrainSeconds = watch.Elapsed.TotalSeconds,
                Threads = threads,
            };
            return new ConvolutionalProbeModel(network, cascade, options, device, info);
        }
        catch
        {
            network?.Dispose();
            cascade?.Dispose();
            throw;
        }
    }

    /// <summary>Fits on <paramref name="train"/> and evaluates on <paramref name="test"/>.</summary>
    public static ProbeResult Run(ImageDataset train, ImageDataset test, ConvolutionalProbeOptions options,
        IProgress<ProbeProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(train, test);
        using var model = Fit(train, options, progress, ct);
        ct.ThrowIfCancellationRequested();
        return model.Evaluate(test, progress, ct);
    }

    /// <summary>All images, or the first N of a seeded permutation (the MLP probe's stream).</summary>
    internal static int[] TrainingIndices(int count, int? samples, int seed)
    {
        if (samples is not { } n || n >= count)
        {
            return [.. Enumerable.Range(0, count)];
        }
        using var generator = new Generator(unchecked((ulong)seed) ^ ProbeModel.TrainSubsetStream);
        using var perm = randperm(count, generator: generator, dtype: ScalarType.Int32);
        int[] chosen = perm.data<int>().ToArray().AsSpan(0, n).ToArray();
        Array.Sort(chosen);
        return chosen;
    }
}
