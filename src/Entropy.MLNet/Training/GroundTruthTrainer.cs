using System.Diagnostics;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Training;

/// <summary>
/// Ground truth for the probe: trains the probe's <see cref="DeepNetwork"/> (same spec and seed rules) as a
/// classifier and says whether it reaches a test-accuracy threshold within a budget — the quantity the cutoff
/// predicts. As the authors: mini-batch SGD (batch 64), reshuffled every pass, early exit once the threshold is
/// reached. The budget is <see cref="GroundTruthOptions.Steps"/> SGD steps with a test every
/// <see cref="GroundTruthOptions.EvaluateEvery"/> steps (the protocol of docs/ground-truth.md; a network whose loss
/// turns non-finite stops there), or <see cref="GroundTruthOptions.Epochs"/> epochs with a test after each.
/// Differences from the authors: lr 0.01 (<see cref="GroundTruthProtocol"/>), the head is logits + cross-entropy unless
/// <see cref="GroundTruthOptions.DoubleSoftmax"/>, and test accuracy is exact over the test images (the authors average
/// per-batch accuracies, which differs only through a smaller last batch).
/// </summary>
public static class GroundTruthTrainer
{
    private const ulong ShuffleStream = 0xD6E8FEB86659FD93UL;
    private const ulong SubsetStream = 0xA0761D6478BD642FUL;
    private const int EvaluationBatch = 1000;

    /// <summary>Trains one network and measures it.</summary>
    /// <param name="train">Training images.</param>
    /// <param name="test">Test images for the accuracy.</param>
    /// <param name="options">Settings; validated before any work.</param>
    /// <param name="progress">Optional progress after every batch and every test.</param>
    /// <param name="ct">Cancellation, checked between batches.</param>
    /// <exception cref="ArgumentException">An invalid option (the parameter name is the option's).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static GroundTruthResult Train(ImageDataset train, ImageDataset test, GroundTruthOptions options,
        IProgress<GroundTruthProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(train, test);
        ct.ThrowIfCancellationRequested();
        Device device = TorchRuntime.ResolveDevice(options.Device);
        using var network = DeepNetwork.Create(options.ToNetworkSpec(train.FeatureSize, train.ClassNames.Count), device);
        return TrainNetwork(network, train, test, options, device, progress, ct);
    }

    /// <summary>
    /// The training loop of <see cref="Train"/> for any classifier whose forward takes flattened images [B, C·H·W] and
    /// returns logits (the convolutional families use it); <paramref name="options"/> must already be validated and
    /// <paramref name="network"/> built on <paramref name="device"/> from its seed.
    /// </summary>
    internal static GroundTruthResult TrainNetwork(nn.Module<Tensor, Tensor> network, ImageDataset train, ImageDataset test,
        GroundTruthOptions options, Device device, IProgress<GroundTruthProgress>? progress, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        TorchThreads.Apply(options.Threads);
        int d = train.FeatureSize;
        int[] subset = SubsetIndices(train.Count, options.TrainSamples, options.Seed);
        int testCount = options.TestSamples ?? test.Count;

        using var trainX = ImageTensors.Gather(train, subset, device);
        using var trainY = Labels(train, subset, device);
        using var testX = ImageTensors.Gather(test, [.. Enumerable.Range(0, testCount)], device);
        using var testY = Labels(test, [.. Enumerable.Range(0, testCount)], device);
        using optim.Optimizer optimizer = options.Optimizer == GroundTruthOptimizer.Adam
            ? optim.Adam(network.parameters(), lr: options.LearningRate)
            : optim.SGD(network.parameters(), options.LearningRate);
        using var shuffle = new Generator(unchecked((ulong)options.Seed) ^ ShuffleStream);

        var testAccuracy = new List<double>();
        var trainAccuracy = new List<double>();
        var trainLoss = new List<double>();
        int n = subset.Length;
        // A batch larger than the data is the whole data: clamp it, so that the batch arithmetic cannot overflow.
        int batchSize = Math.Min(options.BatchSize, n);
        int batches = (n + batchSize - 1) / batchSize;
        // Epoch mode measures after every epoch; step mode every EvaluateEvery steps and after the last step.
        int totalSteps = options.Steps ?? checked(options.Epochs * batches);
        int epochs = options.Steps is null ? options.Epochs : (totalSteps + batches - 1) / batches;
        bool trainable = false;
        int stepsRun = 0;
        Tensor? order = null;
        try
        {
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            for (int step = 0; step < totalSteps; step++)
            {
                ct.ThrowIfCancellationRequested();
                int b = step % batches;
                if (b == 0)
                {
                    // The permutation is drawn on the CPU from the private generator, so every device sees the same order.
                    order?.Dispose();
                    Tensor cpuOrder = randperm(n, generator: shuffle);
                    order = cpuOrder.to(device);
                    if (!ReferenceEquals(order, cpuOrder))
                    {
                        cpuOrder.Dispose();
                    }
                }
                int start = b * batchSize;
                int size = Math.Min(batchSize, n - start);
                bool diverged;
                using (var scope = NewDisposeScope())
                {
                    Tensor idx = order!.narrow(0, start, size);
                    Tensor x = trainX.index_select(0, idx);
                    Tensor y = trainY.index_select(0, idx);
                    Tensor output = network.forward(x);
                    Tensor loss = DeepNetwork.Loss(output, y);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    float value = loss.item<float>();
                    diverged = !float.IsFinite(value);
                    lossSum += value * size;
                    correct += output.argmax(1).eq(y).sum().item<long>();
                    seen += size;
                }
                stepsRun = step + 1;
                int epoch = (step / batches) + 1;
                progress?.Report(new GroundTruthProgress(epoch, epochs, b + 1, batches, testAccuracy.Count > 0 ? testAccuracy[^1] : null));
                bool last = stepsRun == totalSteps;
                bool evaluate = options.Steps is null ? b == batches - 1 : last || stepsRun % options.EvaluateEvery == 0;
                // In step mode a diverged network (non-finite loss) stops: its weights never recover.
                bool stop = options.Steps is not null && diverged;
                if (!evaluate && !stop)
                {
                    continue;
                }
                trainLoss.Add(lossSum / seen);
                trainAccuracy.Add((double)correct / seen);
                lossSum = 0;
                correct = 0;
                seen = 0;
                double accuracy = Accuracy(network, testX, testY);
                testAccuracy.Add(accuracy);
                progress?.Report(new GroundTruthProgress(epoch, epochs, batches, batches, accuracy));
                if (accuracy >= options.Threshold)
                {
                    trainable = true;
                    if (options.EarlyExit)
                    {
                        break;
                    }
                }
                if (stop)
                {
                    break;
                }
            }
        }
        finally
        {
            order?.Dispose();
        }
        return new GroundTruthResult
        {
            SigmaW2 = options.SigmaW2,
            SigmaB2 = options.SigmaB2,
            Depth = options.Depth,
            Trainable = trainable,
            Threshold = options.Threshold,
            TestAccuracy = [.. testAccuracy],
            TrainAccuracy = [.. trainAccuracy],
            TrainLoss = [.. trainLoss],
            Seed = options.Seed,
            TrainSamples = n,
            TestSamples = testCount,
            StepsRun = stepsRun,
            Seconds = watch.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// The maximum trainable depth for one (σ_w², σ_b²): trains <paramref name="options"/> at the depths
    /// <paramref name="method"/> asks for (see <see cref="TrainableDepthSearch"/>), each with the same seed, and returns
    /// the search result plus every training.
    /// </summary>
    /// <param name="train">Training images.</param>
    /// <param name="test">Test images.</param>
    /// <param name="options">Settings of every training; <see cref="GroundTruthOptions.Depth"/> is replaced by the searched depths.</param>
    /// <param name="method">Bisection (assumes monotonicity in depth) or the authors' staircase.</param>
    /// <param name="maxDepth">The deepest depth considered (the staircase's start).</param>
    /// <param name="step">Staircase step (the authors: 5).</param>
    /// <param name="progress">Optional progress of each training.</param>
    /// <param name="ct">Cancellation.</param>
    public static (DepthSearchResult Search, IReadOnlyList<GroundTruthResult> Trainings) MaxTrainableDepth(ImageDataset train, ImageDataset test,
        GroundTruthOptions options, TrainableDepthSearchMethod method, int maxDepth, int step = 5,
        IProgress<GroundTruthProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trainings = new List<GroundTruthResult>();
        DepthSearchResult search = TrainableDepthSearch.Search(depth =>
        {
            GroundTruthResult result = Train(train, test, options with { Depth = depth }, progress, ct);
            trainings.Add(result);
            return result.Trainable;
        }, method, maxDepth, step);
        return (search, trainings);
    }

    /// <summary>Exact accuracy of <paramref name="network"/> on (x, y), in batches, without gradients.</summary>
    internal static double Accuracy(nn.Module<Tensor, Tensor> network, Tensor x, Tensor y)
    {
        using var noGrad = no_grad();
        long count = x.shape[0];
        long correct = 0;
        for (long start = 0; start < count; start += EvaluationBatch)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(EvaluationBatch, count - start);
            Tensor output = network.forward(x.narrow(0, start, size));
            correct += output.argmax(1).eq(y.narrow(0, start, size)).sum().item<long>();
        }
        return (double)correct / count;
    }

    /// <summary>All indices, or the first <paramref name="samples"/> of a seeded permutation (sorted).</summary>
    internal static int[] SubsetIndices(int count, int? samples, int seed)
    {
        if (samples is not { } n || n >= count)
        {
            return [.. Enumerable.Range(0, count)];
        }
        using var generator = new Generator(unchecked((ulong)seed) ^ SubsetStream);
        using var perm = randperm(count, generator: generator, dtype: ScalarType.Int32);
        int[] chosen = perm.data<int>().ToArray().AsSpan(0, n).ToArray();
        Array.Sort(chosen);
        return chosen;
    }

    private static Tensor Labels(ImageDataset data, int[] indices, Device device)
    {
        ReadOnlySpan<int> labels = data.Labels;
        var buffer = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            buffer[i] = labels[indices[i]];
        }
        using var cpu = tensor(buffer, [indices.Length]);
        return cpu.to(device);
    }
}
