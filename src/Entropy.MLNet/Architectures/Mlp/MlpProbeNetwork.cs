using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Mlp;

/// <summary>The MLP as a <see cref="ProbeNetwork"/>: a <see cref="DeepNetwork"/> and its <see cref="Mlp.Cascade"/>.</summary>
internal sealed class MlpProbeNetwork : ProbeNetwork
{
    internal MlpProbeNetwork(MlpArchitecture architecture, NetworkDescription description, NetworkLayout layout, DeepNetwork network, Cascade cascade, Device device)
        : base(architecture, description, layout, device)
    {
        Network = network;
        Cascade = cascade;
    }

    /// <summary>The frozen deep network.</summary>
    public DeepNetwork Network { get; }

    /// <summary>The decoders.</summary>
    public Cascade Cascade { get; }

    /// <inheritdoc/>
    public override Tensor[] LayerOutputs(Tensor input, int upToLayer = -1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (upToLayer < 0 || upToLayer == Depth)
        {
            return Network.LayerOutputs(input);
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(upToLayer, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(upToLayer, Depth);
        using var noGrad = no_grad();
        var outputs = new Tensor[upToLayer + 1];
        outputs[0] = input.alias();
        for (int l = 1; l <= upToLayer; l++)
        {
            outputs[l] = Network.ForwardLayer(l, outputs[l - 1]);
        }
        return outputs;
    }

    /// <inheritdoc/>
    public override Tensor Decode(int layer, Tensor activations) => Cascade.Decode(layer, activations);

    /// <inheritdoc/>
    public override Tensor Reconstruct(Tensor activations, int fromLayer) => Cascade.Reconstruct(activations, fromLayer);

    /// <inheritdoc/>
    public override Tensor[] ReconstructAll(IReadOnlyList<Tensor> layerOutputs, int upToLayer) => Cascade.ReconstructAll(layerOutputs, upToLayer);

    /// <inheritdoc/>
    /// <remarks>The code for class k is (−1 everywhere, +1 at k) at the last layer, whose width is the number of classes.</remarks>
    public override Tensor? IdealInputs()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        using var scope = NewDisposeScope();
        Tensor oneHot = eye(Classes, device: Device).mul_(TorchScalars.Two).sub_(TorchScalars.One);
        return Cascade.Reconstruct(oneHot, Depth).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override DecoderTrainer CreateTrainer(double learningRate) => new CascadeTrainer(Network, Cascade, learningRate, Device);

    /// <inheritdoc/>
    public override double FitDecodersLeastSquares(Tensor images, int lastLayer, Action<int>? afterLayer, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return LeastSquaresDecoders.Fit(Network, Cascade, images, lastLayer, afterLayer, ct);
    }

    /// <inheritdoc/>
    public override IEnumerable<Parameter> NetworkParameters() => Network.parameters();

    /// <inheritdoc/>
    public override void SaveWeights(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // Module.save(Stream) would close the stream; the BinaryWriter overload leaves it to the caller.
        Network.save(writer);
        Cascade.save(writer);
    }

    /// <inheritdoc/>
    public override void LoadWeights(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Network.load(reader, strict: true);
        Cascade.load(reader, strict: true);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Network.Dispose();
            Cascade.Dispose();
        }
    }
}
