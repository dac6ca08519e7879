using System.Diagnostics;
using Entropy.MLNet.Data;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Runtime;
using TorchSharp;
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
        => FitCore(train, options, trace: null, test: null, progress, ct);

    private static ProbeModel FitCore(ImageDataset train, ProbeOptions options, ProbeTrace? trace, ImageDataset? test, IProgress<ProbeProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(train);
        ct.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        (ProbeNetwork network, int threads) = Build(train, options, progress);
        try
        {
            int[] indices = TrainingIndices(train.Count, options);
            var trained = ProbeModel.ModelInfo.Of(train, indices.Length, threads);
            int? imagesUsed = null;
            int? measuredLayers = null;
            double trainingFlop;
            if (options.Mode == ProbeMode.LeastSquares)
            {
                (trainingFlop, imagesUsed, measuredLayers) = FitLeastSquares(network, train, indices, options, progress, ct);
            }
            else if (options.Mode == ProbeMode.Adaptive)
            {
                // Without test images only the samples rule applies: one stage over every layer.
                (int images, trainingFlop) = TrainStage(network, train, indices, options, 1, network.Depth, progress, ct);
                imagesUsed = images;
            }
            else
            {
                using var trainer = network.CreateTrainer(options.LearningRate);
                using var shuffle = new Generator(unchecked((ulong)options.Seed) ^ ProbeModel.ShuffleStream);
                if (trace is not null)
                {
                    trainer.MeasureLosses = true;
                    trainer.ChunkRowTarget = AdaptiveBudget.ChunkRows;
                }
                int nextSnapshot = 0;
                Func<TrainingChunk, bool>? report = progress is null && trace is null ? null : chunk =>
                {
                    progress?.Report(new ProbeProgress(ProbePhase.Training, chunk.BatchesDone, chunk.BatchesTotal, chunk.ImagesPerSecond, chunk.Epoch));
                    if (trace is not null && chunk.DecoderLosses is not null)
                    {
                        trace.Losses.Add((chunk.ImagesSeen, [.. chunk.DecoderLosses]));
                        while (test is not null && nextSnapshot < trace.SnapshotImages.Count && chunk.ImagesSeen >= trace.SnapshotImages[nextSnapshot])
                        {
                            nextSnapshot++;
                            using var snapshot = new ProbeModel(network, options, trained with { ImagesUsed = (int)chunk.ImagesSeen }, ownsNetwork: false);
                            trace.Snapshots.Add((chunk.ImagesSeen, snapshot.Evaluate(test, null, ct)));
                        }
                    }
                    return true;
                };
                trainer.Train(train, indices, options.Epochs, options.BatchSize, shuffle, report, ct);
                trainingFlop = trainer.TrainingFlop;
            }
            var info = trained with { TrainSeconds = watch.Elapsed.TotalSeconds, ImagesUsed = imagesUsed, TrainingFlop = trainingFlop, MeasuredLayers = measuredLayers };
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
    /// <remarks>
    /// In <see cref="ProbeMode.Adaptive"/> the test images also decide how deep the cascade grows (see
    /// <see cref="AdaptiveBudget"/>); <see cref="ProbeResult.MeasuredLayers"/> says where it stopped.
    /// </remarks>
    public static ProbeResult Run(ImageDataset train, ImageDataset test, ProbeOptions options, IProgress<ProbeProgress>? progress = null, CancellationToken ct = default)
        => RunTraced(train, test, options, trace: null, progress, ct);

    /// <summary><see cref="Run"/>, optionally recording a <see cref="ProbeTrace"/> (faithful mode).</summary>
    internal static ProbeResult RunTraced(ImageDataset train, ImageDataset test, ProbeOptions options, ProbeTrace? trace, IProgress<ProbeProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(train, test);
        if (options.Mode == ProbeMode.Adaptive)
        {
            return RunAdaptive(train, test, options, progress, ct);
        }
        using var model = FitCore(train, options, trace, test, progress, ct);
        ct.ThrowIfCancellationRequested();
        return model.Evaluate(test, progress, ct);
    }

    /// <summary>
    /// The adaptive probe: the cascade grows in stages (decoders 1..50, then twice as deep), each stage's decoders train
    /// until their losses converge, and the probe stops once the curve measured so far has saturated with a margin.
    /// </summary>
    private static ProbeResult RunAdaptive(ImageDataset train, ImageDataset test, ProbeOptions options, IProgress<ProbeProgress>? progress, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        (ProbeNetwork network, int threads) = Build(train, options, progress);
        using var owner = network;
        int depth = network.Depth;
        int[] indices = TrainingIndices(train.Count, options);
        var trained = ProbeModel.ModelInfo.Of(train, indices.Length, threads);
        int first = 1;
        // A stage never ends at or inside the layers the curve leaves out (the narrow last layers): it goes to the end instead.
        int curveEnd = depth - options.ExcludedLastLayers;
        int last = AdaptiveBudget.FirstStage(depth, curveEnd);
        double trainSeconds = 0;
        double flop = 0;
        while (true)
        {
            var stageWatch = Stopwatch.StartNew();
            (int images, double stageFlop) = TrainStage(network, train, indices, options, first, last, progress, ct);
            flop += stageFlop;
            trainSeconds += stageWatch.Elapsed.TotalSeconds;
            var info = trained with
            {
                TrainSeconds = trainSeconds,
                MeasuredLayers = last < depth ? last : null,
                ImagesUsed = images,
                TrainingFlop = flop,
            };
            using var stage = new ProbeModel(network, options, info, ownsNetwork: false);
            ProbeResult result = stage.Evaluate(test, null, ct);
            if (AdaptiveBudget.DepthSaturated(result.Cutoff, last, depth, result.DivergenceLayer))
            {
                progress?.Report(new ProbeProgress(ProbePhase.Done, 1, 1, 0));
                return result with { TrainSeconds = trainSeconds, EvaluateSeconds = watch.Elapsed.TotalSeconds - trainSeconds };
            }
            // This stage's evaluation is work too: it counts with the next stage's.
            flop += ProbeWork.Evaluation(network.LayerSizes, last, options.EntropySamples);
            first = last + 1;
            last = AdaptiveBudget.NextStage(last, depth, curveEnd);
        }
    }

    /// <summary>Resolves the device and threads and builds the network with its untrained decoders (reported as the building phase).</summary>
    private static (ProbeNetwork Network, int Threads) Build(ImageDataset train, ProbeOptions options, IProgress<ProbeProgress>? progress)
    {
        Device device = TorchRuntime.ResolveDevice(options.Device);
        int threads = TorchThreads.Apply(options.Threads);
        progress?.Report(new ProbeProgress(ProbePhase.Building, 0, 1, 0));
        NetworkLayout layout = options.Layout(train);
        return (ArchitectureCatalog.Get(options.Architecture).Create(options.ToNetworkDescription(), layout, options.Seed, device), threads);
    }

    /// <summary>Trains decoders <paramref name="first"/>..<paramref name="last"/> until their losses converge; returns the images used and the FLOP spent.</summary>
    private static (int Images, double Flop) TrainStage(ProbeNetwork network, ImageDataset train, int[] indices, ProbeOptions options, int first, int last,
        IProgress<ProbeProgress>? progress, CancellationToken ct)
    {
        using var trainer = network.CreateTrainer(options.LearningRate);
        trainer.FirstLayer = first;
        trainer.LastLayer = last;
        trainer.MeasureLosses = true;
        trainer.ChunkRowTarget = AdaptiveBudget.ChunkRows;
        // Every stage sees the images in the same order, so each decoder is the one a single pass would have trained.
        using var shuffle = new Generator(unchecked((ulong)options.Seed) ^ ProbeModel.ShuffleStream);
        var windows = new AdaptiveBudget.LossWindows();
        long images = 0;
        trainer.Train(train, indices, options.Epochs, options.BatchSize, shuffle, chunk =>
        {
            images = chunk.ImagesSeen;
            progress?.Report(new ProbeProgress(ProbePhase.Training, chunk.BatchesDone, chunk.BatchesTotal, chunk.ImagesPerSecond, chunk.Epoch));
            return chunk.DecoderLosses is null || !FreezeConverged(trainer, windows.Add(chunk.DecoderLosses, chunk.ImagesSeen));
        }, ct);
        return ((int)Math.Min(int.MaxValue, images), trainer.TrainingFlop);
    }

    /// <summary>Freezes the decoders that converged; returns whether every decoder of the trainer's range is frozen (training can stop).</summary>
    private static bool FreezeConverged(DecoderTrainer trainer, IReadOnlyList<int> converged)
    {
        foreach (int layer in converged)
        {
            if (layer >= trainer.FirstLayer && layer <= trainer.LastLayer)
            {
                trainer.Freeze(layer);
            }
        }
        return trainer.DeepestTraining() == 0;
    }

    /// <summary>
    /// Fits the decoders in closed form (<see cref="ProbeMode.LeastSquares"/>) on <paramref name="indices"/>, or without an
    /// image count on a seeded subset of <see cref="Architectures.Mlp.LeastSquaresDecoders.DefaultImages"/> (the closed
    /// form needs far fewer images than Adam), up to <see cref="Architectures.Mlp.LeastSquaresDecoders.MeasuredDepth"/>
    /// layers when the curve would go deeper. Returns the FLOP spent, the images used and the layers measured (null: all).
    /// </summary>
    private static (double Flop, int Images, int? MeasuredLayers) FitLeastSquares(ProbeNetwork network, ImageDataset train, int[] indices, ProbeOptions options,
        IProgress<ProbeProgress>? progress, CancellationToken ct)
    {
        int[] fitted = options.TrainSamples is null
            ? TrainingIndices(train.Count, options with { TrainSamples = Architectures.Mlp.LeastSquaresDecoders.DefaultImages })
            : indices;
        int last = network.Depth - options.ExcludedLastLayers > Architectures.Mlp.LeastSquaresDecoders.MeasuredDepth
            ? Architectures.Mlp.LeastSquaresDecoders.MeasuredDepth
            : network.Depth;
        var watch = Stopwatch.StartNew();
        using var images = ImageTensors.Gather(train, fitted, network.Device);
        // Progress counts layers; the rate is images through one layer per second.
        double flop = network.FitDecodersLeastSquares(images, last,
            progress is null ? null : layer => progress.Report(new ProbeProgress(ProbePhase.Training, layer, last, fitted.Length * layer / Math.Max(watch.Elapsed.TotalSeconds, 1e-9))), ct);
        return (flop, fitted.Length, last < network.Depth ? last : null);
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
