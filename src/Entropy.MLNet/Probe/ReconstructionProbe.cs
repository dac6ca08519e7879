using System.Diagnostics;
using Entropy.MLNet.Data;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Runtime;
using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>
/// The reconstruction-entropy probe of arXiv 2406.12916: build a randomly initialised deep network for (σ_w², σ_b²),
/// train a cascade of single-layer decoders on it for one epoch, and measure how much of the input each layer still
/// holds. <see cref="Run"/> does everything and returns a <see cref="ProbeResult"/> whose
/// <see cref="ProbeResult.Cutoff"/> is the predicted maximum trainable depth; <see cref="Fit"/> returns the trained
/// <see cref="ProbeModel"/> for reuse (pictures, ML.NET scoring, saving).
/// </summary>
public static class ReconstructionProbe
{
    /// <summary>Builds the network and trains the decoders.</summary>
    /// <param name="train">Training images.</param>
    /// <param name="options">Probe settings; validated before any work.</param>
    /// <param name="progress">Optional progress, reported after every chunk of mini-batches (at most 4,096 images).</param>
    /// <param name="ct">Cancellation, checked between batches.</param>
    /// <exception cref="ArgumentException">An option is invalid for <paramref name="train"/> (the parameter name is the option's).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static ProbeModel Fit(ImageDataset train, ProbeOptions options, IProgress<ProbeProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(train);
        ct.ThrowIfCancellationRequested();
        Device device = TorchRuntime.ResolveDevice(options.Device);
        int threads = TorchThreads.Apply(options.Threads);
        var watch = Stopwatch.StartNew();
        progress?.Report(new ProbeProgress(ProbePhase.Building, 0, 1, 0));

        Architecture architecture = ArchitectureCatalog.Get(options.Architecture);
        NetworkLayout layout = options.Layout(train);
        ProbeNetwork network = architecture.Create(options.ToNetworkDescription(), layout, options.Seed, device);
        try
        {
            int[] indices = TrainingIndices(train.Count, options);
            using (var trainer = network.CreateTrainer(options.LearningRate))
            using (var shuffle = new Generator(unchecked((ulong)options.Seed) ^ ProbeModel.ShuffleStream))
            {
                Func<TrainingChunk, bool>? report = progress is null ? null : chunk =>
                {
                    progress.Report(new ProbeProgress(ProbePhase.Training, chunk.BatchesDone, chunk.BatchesTotal, chunk.ImagesPerSecond, chunk.Epoch));
                    return true;
                };
                trainer.Train(train, indices, options.Epochs, options.BatchSize, shuffle, report, ct);
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
            return new ProbeModel(network, options, info);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Fits the probe on <paramref name="train"/> and evaluates it on <paramref name="test"/>.</summary>
    /// <param name="train">Training images.</param>
    /// <param name="test">Held-out images for the entropy curve.</param>
    /// <param name="options">Probe settings; validated against both sets before any work.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="ct">Cancellation, checked between batches.</param>
    public static ProbeResult Run(ImageDataset train, ImageDataset test, ProbeOptions options, IProgress<ProbeProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(train, test);
        using var model = Fit(train, options, progress, ct);
        ct.ThrowIfCancellationRequested();
        return model.Evaluate(test, progress, ct);
    }

    /// <summary>All images, or the first <see cref="ProbeOptions.TrainSamples"/> of a seeded permutation.</summary>
    internal static int[] TrainingIndices(int count, ProbeOptions options)
    {
        if (options.TrainSamples is not { } n || n >= count)
        {
            return [.. Enumerable.Range(0, count)];
        }
        using var generator = new Generator(unchecked((ulong)options.Seed) ^ ProbeModel.TrainSubsetStream);
        using var perm = randperm(count, generator: generator, dtype: ScalarType.Int32);
        int[] chosen = perm.data<int>().ToArray().AsSpan(0, n).ToArray();
        Array.Sort(chosen);
        return chosen;
    }
}
