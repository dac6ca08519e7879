using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// Trains the decoders of a <see cref="ConvolutionalCascade"/> as the authors: for every mini-batch, walk the frozen
/// network layer by layer; decoder ℓ gets one Adam step (its own optimiser, PyTorch defaults) on the mean squared error
/// between its output and layer ℓ − 1's output (the image for ℓ = 1). No decoder sees the cascade's error. Only two
/// layer outputs live at a time. The pass over the data (shuffles, chunks, progress) is the seam's. When the whole
/// cascade trains, the head decoder (see <see cref="ConvolutionalCascade"/>) gets one step too, from the classifier
/// head's output back to the last layer's; it reads the frozen network only and changes no other decoder.
/// </summary>
internal sealed class ConvolutionalCascadeTrainer : DecoderTrainer
{
    private readonly ConvolutionalNetwork _network;
    private readonly ConvolutionalCascade _cascade;
    private readonly optim.Optimizer[] _optimizers;
    private readonly optim.Optimizer _headOptimizer;

    public ConvolutionalCascadeTrainer(NetworkLayout layout, ConvolutionalNetwork network, ConvolutionalCascade cascade, double learningRate, Device device)
        : base(layout, device)
    {
        _network = network;
        _cascade = cascade;
        _optimizers = new optim.Optimizer[cascade.Layers];
        for (int l = 1; l <= cascade.Layers; l++)
        {
            _optimizers[l - 1] = optim.Adam(cascade.DecoderParameters(l), lr: learningRate);
        }
        _headOptimizer = optim.Adam(cascade.HeadDecoderParameters(), lr: learningRate);
    }

    /// <inheritdoc/>
    public override void TrainBatches(Tensor rows, IReadOnlyList<int> sizes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(sizes);
        long offset = 0;
        var sum = new double[Layout.Depth];
        foreach (int size in sizes)
        {
            using var scope = NewDisposeScope();
            float[] losses = TrainImages(_network.AsImages(rows.narrow(0, offset, size)), LastLayer, FirstLayer);
            for (int l = FirstLayer; l <= LastLayer; l++)
            {
                sum[l - 1] += losses[l - 1];
            }
            offset += size;
        }
        var mean = new double[Layout.Depth];
        for (int l = 1; l <= Layout.Depth; l++)
        {
            mean[l - 1] = l >= FirstLayer && l <= LastLayer ? sum[l - 1] / sizes.Count : double.NaN;
        }
        ChunkLosses = mean;
    }

    /// <summary>One step of decoders <paramref name="fromLayer"/>..<paramref name="upToLayer"/> on images [B, C, H, W]; returns each decoder's loss before its step (0 below <paramref name="fromLayer"/>).</summary>
    public float[] TrainImages(Tensor images, int upToLayer, int fromLayer = 1)
    {
        ArgumentNullException.ThrowIfNull(images);
        var losses = new float[upToLayer];
        using var batchScope = NewDisposeScope();
        Tensor previous = images.alias();
        for (int l = 1; l <= upToLayer; l++)
        {
            Tensor next;
            using (var scope = NewDisposeScope())
            {
                using (no_grad())
                {
                    next = _network.LayerOutput(l, previous).MoveToOuterDisposeScope();
                }
                if (l < fromLayer)
                {
                    previous.Dispose();
                    previous = next;
                    continue;
                }
                Tensor loss = nn.functional.mse_loss(_cascade.Decode(l, next), previous);
                optim.Optimizer optimizer = _optimizers[l - 1];
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                losses[l - 1] = loss.item<float>();
            }
            previous.Dispose();
            previous = next;
        }
        if (upToLayer == _cascade.Layers)
        {
            using var scope = NewDisposeScope();
            Tensor code;
            using (no_grad())
            {
                code = _network.Head(previous);
            }
            Tensor loss = nn.functional.mse_loss(_cascade.DecodeHead(code), previous);
            _headOptimizer.zero_grad();
            loss.backward();
            _headOptimizer.step();
        }
        return losses;
    }

    /// <inheritdoc/>
    internal override int ChunkBatches(int batchSize) => Math.Max(1, ChunkRowTarget / Math.Max(1, batchSize));

    /// <summary>Frees the optimiser state (not the network or the decoders).</summary>
    public override void Dispose()
    {
        foreach (var optimizer in _optimizers)
        {
            optimizer.Dispose();
        }
        _headOptimizer.Dispose();
    }
}
