using System.Diagnostics;
using Entropy.MLNet.Data;
using Entropy.MLNet.Probe;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// Trains the decoders of a <see cref="ConvolutionalCascade"/> as the authors: for every mini-batch, walk the frozen
/// network layer by layer; decoder ℓ gets one Adam step (its own optimiser, PyTorch defaults) on the mean squared error
/// between its output and layer ℓ − 1's output (the image for ℓ = 1). No decoder sees the cascade's error.
/// </summary>
internal sealed class ConvolutionalCascadeTrainer : IDisposable
{
    private readonly ConvolutionalNetwork _network;
    private readonly ConvolutionalCascade _cascade;
    private readonly optim.Optimizer[] _optimizers;
    private readonly Device _device;

    public ConvolutionalCascadeTrainer(ConvolutionalNetwork network, ConvolutionalCascade cascade, double learningRate, Device device)
    {
        _network = network;
        _cascade = cascade;
        _device = device;
        _optimizers = new optim.Optimizer[cascade.Layers];
        for (int l = 1; l <= cascade.Layers; l++)
        {
            _optimizers[l - 1] = optim.Adam(cascade.DecoderParameters(l), lr: learningRate);
        }
    }

    /// <summary>
    /// One step of every decoder, ℓ = 1..<paramref name="upToLayer"/>, on a batch of images [B, C, H, W]; returns each
    /// decoder's loss before its step.
    /// </summary>
    public float[] TrainBatch(Tensor images, int? upToLayer = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        int layers = upToLayer ?? _cascade.Layers;
        var losses = new float[layers];
        using var batchScope = NewDisposeScope();
        Tensor previous = images.alias();
        for (int l = 1; l <= layers; l++)
        {
            Tensor next;
            using (var scope = NewDisposeScope())
            {
                using (no_grad())
                {
                    next = _network.LayerOutput(l, previous).MoveToOuterDisposeScope();
                }
                Tensor loss = nn.functional.mse_loss(_cascade.Decode(l, next), previous);
                optim.Optimizer optimizer = _optimizers[l - 1];
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                losses[l - 1] = loss.item<float>();
            }
            // Only two layer outputs live at a time.
            previous.Dispose();
            previous = next;
        }
        return losses;
    }

    /// <summary>One or more epochs over <paramref name="indices"/> of <paramref name="data"/>, reshuffled each epoch with the private generator.</summary>
    public void Train(ImageDataset data, int[] indices, int epochs, int batchSize, Generator generator,
        IProgress<ProbeProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(generator);
        int d = data.FeatureSize;
        batchSize = Math.Min(batchSize, Math.Max(1, indices.Length));
        int perEpoch = (indices.Length + batchSize - 1) / batchSize;
        int total = (int)Math.Min(int.MaxValue, (long)perEpoch * epochs);
        var buffer = new float[(long)batchSize * d];
        var watch = Stopwatch.StartNew();
        long seen = 0;
        int done = 0;
        progress?.Report(new ProbeProgress(ProbePhase.Training, 0, total, 0, 1));
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            int[] order = CascadeTrainer.Shuffle(indices, generator);
            for (int start = 0; start < order.Length; start += batchSize)
            {
                ct.ThrowIfCancellationRequested();
                int rows = Math.Min(batchSize, order.Length - start);
                ReadOnlySpan<float> pixels = data.Pixels;
                for (int i = 0; i < rows; i++)
                {
                    pixels.Slice(order[start + i] * d, d).CopyTo(buffer.AsSpan(i * d, d));
                }
                using (var scope = NewDisposeScope())
                {
                    Tensor x = tensor(rows == batchSize ? buffer : buffer.AsSpan(0, rows * d).ToArray(), [rows, d]).to(_device);
                    TrainBatch(_network.AsImages(x));
                }
                seen += rows;
                done++;
                progress?.Report(new ProbeProgress(ProbePhase.Training, done, total, seen / Math.Max(watch.Elapsed.TotalSeconds, 1e-9), epoch));
            }
        }
    }

    /// <summary>Frees the optimiser state (not the network or the decoders).</summary>
    public void Dispose()
    {
        foreach (var optimizer in _optimizers)
        {
            optimizer.Dispose();
        }
    }
}
