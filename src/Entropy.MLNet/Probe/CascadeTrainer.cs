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
internal sealed class CascadeTrainer : IDisposable
{
    private readonly DeepNetwork _network;
    private readonly Cascade _cascade;
    private readonly optim.Optimizer _optimizer;
    private readonly Device _device;

    public CascadeTrainer(DeepNetwork network, Cascade cascade, double learningRate, Device device)
    {
        _network = network;
        _cascade = cascade;
        _device = device;
        LastLayer = cascade.Depth;
        // PyTorch's Adam defaults, as the authors: betas (0.9, 0.999), eps 1e-8, no weight decay.
        _optimizer = optim.Adam(cascade.parameters(), lr: learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8);
    }

    /// <summary>The deepest decoder trained (default L).</summary>
    public int LastLayer { get; set; }

    /// <summary>One optimisation step on a batch [B, n0]; returns nothing to avoid a device sync per batch.</summary>
    public void TrainBatch(Tensor batch)
    {
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
        _optimizer.zero_grad();
        loss.backward();
        _optimizer.step();
    }

    /// <summary>Trains for <paramref name="epochs"/> epochs over <paramref name="indices"/> of <paramref name="data"/>, reshuffled each epoch with <paramref name="generator"/>.</summary>
    public void Train(ImageDataset data, int[] indices, int epochs, int batchSize, Generator generator,
        IProgress<ProbeProgress>? progress, CancellationToken ct)
    {
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

    public void Dispose() => _optimizer.Dispose();
}
