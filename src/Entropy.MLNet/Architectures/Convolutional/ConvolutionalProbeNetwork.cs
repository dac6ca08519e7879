using Entropy.MLNet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>The CNN or ResNet as a <see cref="ProbeNetwork"/>: a <see cref="ConvolutionalNetwork"/> and its <see cref="ConvolutionalCascade"/>.</summary>
internal sealed class ConvolutionalProbeNetwork : ProbeNetwork
{
    internal ConvolutionalProbeNetwork(ConvolutionalArchitecture architecture, NetworkDescription description, NetworkLayout layout,
        ConvolutionalNetwork network, ConvolutionalCascade cascade, Device device)
        : base(architecture, description, layout, device)
    {
        Network = network;
        Cascade = cascade;
    }

    /// <summary>The frozen network.</summary>
    public ConvolutionalNetwork Network { get; }

    /// <summary>The decoders.</summary>
    public ConvolutionalCascade Cascade { get; }

    /// <inheritdoc/>
    public override Tensor[] LayerOutputs(Tensor input, int upToLayer = -1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        int last = upToLayer < 0 ? Depth : upToLayer;
        ArgumentOutOfRangeException.ThrowIfLessThan(last, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, Depth);
        using var noGrad = no_grad();
        var outputs = new Tensor[last + 1];
        outputs[0] = Network.AsImages(input);
        for (int l = 1; l <= last; l++)
        {
            outputs[l] = Network.LayerOutput(l, outputs[l - 1]);
        }
        return outputs;
    }

    /// <inheritdoc/>
    public override Tensor Decode(int layer, Tensor activations) => Cascade.Decode(layer, activations);

    /// <inheritdoc/>
    public override Tensor Reconstruct(Tensor activations, int fromLayer)
    {
        ArgumentNullException.ThrowIfNull(activations);
        using var scope = NewDisposeScope();
        Tensor images = Cascade.Reconstruct(activations, fromLayer);
        return images.reshape(images.shape[0], InputSize).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    /// <remarks>One cascade per layer (O(L²) decoder applications, as the authors); each in its own scope.</remarks>
    public override Tensor[] ReconstructAll(IReadOnlyList<Tensor> layerOutputs, int upToLayer)
    {
        ArgumentNullException.ThrowIfNull(layerOutputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(upToLayer, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(upToLayer, layerOutputs.Count);
        var result = new Tensor[upToLayer];
        for (int l = 1; l <= upToLayer; l++)
        {
            result[l - 1] = Reconstruct(layerOutputs[l], l);
        }
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The code for class k is (−1 everywhere, +1 at k) at the classifier head's output, as the MLP's at its last layer;
    /// the head decoder maps it to the last block's shape and the cascade decodes it to the image.
    /// </remarks>
    public override Tensor? IdealInputs()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor oneHot = eye(Classes, device: Device).mul_(TorchScalars.Two).sub_(TorchScalars.One);
        return Reconstruct(Cascade.DecodeHead(oneHot), Depth).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override DecoderTrainer CreateTrainer(double learningRate) => new ConvolutionalCascadeTrainer(Layout, Network, Cascade, learningRate, Device);

    /// <inheritdoc/>
    public override IEnumerable<Parameter> NetworkParameters() => Network.parameters();

    /// <inheritdoc/>
    public override void SaveWeights(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
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
