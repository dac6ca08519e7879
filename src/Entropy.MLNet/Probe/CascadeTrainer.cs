using System.Diagnostics;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>
/// Trains a <see cref="Cascade"/> on a frozen <see cref="DeepNetwork"/> as the authors: per mini-batch, one forward pass
/// of the network without gradients, then every decoder ℓ regresses layer ℓ−1's output from layer ℓ's (MSE, mean),
/// all decoders in the same pass over the data.
/// <para>
/// Parity: the authors give each decoder its own Adam optimiser and call backward per decoder. The decoder losses share
/// no parameters and their inputs carry no gradient, so the gradient of their sum with respect to decoder ℓ's
/// parameters is exactly ∂loss_ℓ; and Adam is elementwise, so one Adam over all decoder parameters (same lr, betas, eps,
/// step count) makes exactly the per-decoder updates. Hence one backward and one optimiser step per batch.
/// </para>
/// <para>
/// Extension points: <see cref="LastLayer"/> bounds the decoders trained (an adaptive cascade can lower it once the
/// entropy has saturated; the network forward then stops there too), and <see cref="TrainBatch"/> is the unit of work
/// a scheduler can interleave with evaluations.
/// </para>
/// </summary>
public sealed class CascadeTrainer : IDisposable
{
    private readonly DeepNetwork _network;
    private readonly Cascade _cascade;
    private readonly ChunkedAdam _optimizer;
    private readonly Device _device;
    private int _lastLayer;

    /// <summary>Creates a trainer for <paramref name="cascade"/> on the frozen <paramref name="network"/>.</summary>
    /// <param name="network">The frozen deep network.</param>
    /// <param name="cascade">The decoders to train (same layer sizes as the network).</param>
    /// <param name="learningRate">Adam learning rate (the authors: 1e-3).</param>
    /// <param name="device">Device of the network and the cascade.</param>
    public CascadeTrainer(DeepNetwork network, Cascade cascade, double learningRate, Device device)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(cascade);
        ArgumentNullException.ThrowIfNull(device);
        if (!network.LayerSizes.SequenceEqual(cascade.LayerSizes))
        {
            throw new ArgumentException("The cascade's layer sizes differ from the network's.", nameof(cascade));
        }
        _network = network;
        _cascade = cascade;
        _device = device;
        _lastLayer = cascade.Depth;
        // PyTorch's Adam defaults, as the authors: betas (0.9, 0.999), eps 1e-8, no weight decay. ChunkedAdam makes
        // bit-identical updates to torch.optim.Adam (tested) with less memory traffic.
        _optimizer = new ChunkedAdam(cascade.parameters(), lr: learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8);
    }

    /// <summary>
    /// The deepest decoder trained, and the deepest layer the frozen network computes, per batch (default L). Decoders
    /// beyond it that share a stacked group with a trained one get zero gradients, and Adam keeps moving them by their
    /// momentum: treat them as abandoned (an adaptive cascade stops them because they no longer matter).
    /// </summary>
    public int LastLayer
    {
        get => _lastLayer;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, _cascade.Depth);
            _lastLayer = value;
        }
    }

    /// <summary>One optimisation step on a batch [B, n0]; returns nothing to avoid a device sync per batch.</summary>
    public void TrainBatch(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        Tensor[] outputs;
        using (no_grad())
        {
            outputs = new Tensor[LastLayer + 1];
            outputs[0] = batch;
            for (int l = 1; l <= LastLayer; l++)
            {
                outputs[l] = _network.ForwardLayer(l, outputs[l - 1]);
            }
        }
        Tensor loss = _cascade.LocalLosses(outputs, 1, LastLayer).sum();
        _optimizer.ZeroGrad();
        loss.backward();
        _optimizer.Step();
    }

    /// <summary>Trains for <paramref name="epochs"/> epochs over <paramref name="indices"/> of <paramref name="data"/>, reshuffled each epoch with <paramref name="generator"/>.</summary>
    /// <param name="data">The images.</param>
    /// <param name="indices">Which images to use.</param>
    /// <param name="epochs">Passes over <paramref name="indices"/>.</param>
    /// <param name="batchSize">Mini-batch size (the last batch of an epoch may be smaller).</param>
    /// <param name="generator">The private generator for the shuffles.</param>
    /// <param name="progress">Optional progress after every batch.</param>
    /// <param name="ct">Cancellation, checked before every batch.</param>
    public void Train(ImageDataset data, int[] indices, int epochs, int batchSize, Generator generator,
        IProgress<ProbeProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.FeatureSize != _network.LayerSizes[0])
        {
            throw new ArgumentException($"The images have {data.FeatureSize} values; the network expects {_network.LayerSizes[0]}.", nameof(data));
        }
        if (indices.Any(i => (uint)i >= (uint)data.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(indices), $"Every index must be in 0..{data.Count - 1}.");
        }
        int d = data.FeatureSize;
        int perEpoch = (indices.Length + batchSize - 1) / batchSize;
        int total = perEpoch * epochs;
        var buffer = new float[batchSize * d];
        var watch = Stopwatch.StartNew();
        long seen = 0;
        int done = 0;
        progress?.Report(new ProbeProgress(ProbePhase.Training, 0, total, 0, 1));
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            int[] order = Shuffle(indices, generator);
            for (int start = 0; start < order.Length; start += batchSize)
            {
                ct.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, order.Length - start);
                ReadOnlySpan<float> pixels = data.Pixels;
                for (int i = 0; i < n; i++)
                {
                    pixels.Slice(order[start + i] * d, d).CopyTo(buffer.AsSpan(i * d, d));
                }
                using (var scope = NewDisposeScope())
                {
                    Tensor x = tensor(n == batchSize ? buffer : buffer.AsSpan(0, n * d).ToArray(), [n, d]);
                    if (_device.type != DeviceType.CPU)
                    {
                        x = x.to(_device);
                    }
                    TrainBatch(x);
                }
                seen += n;
                done++;
                progress?.Report(new ProbeProgress(ProbePhase.Training, done, total, seen / Math.Max(watch.Elapsed.TotalSeconds, 1e-9), epoch));
            }
        }
    }

    /// <summary>A seeded permutation of <paramref name="values"/> (torch.randperm with the private generator).</summary>
    internal static int[] Shuffle(int[] values, Generator generator)
    {
        using var perm = randperm(values.Length, generator: generator, dtype: ScalarType.Int32);
        int[] p = perm.data<int>().ToArray();
        var result = new int[values.Length];
        for (int i = 0; i < p.Length; i++)
        {
            result[i] = values[p[i]];
        }
        return result;
    }

    /// <summary>Frees the optimiser state (not the network or the cascade).</summary>
    public void Dispose() => _optimizer.Dispose();
}
