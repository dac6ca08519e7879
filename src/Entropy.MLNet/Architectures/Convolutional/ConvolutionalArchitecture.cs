using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using static TorchSharp.torch;

// The checks name the offending option (not a method parameter), so that callers and the CLI can say which one.
#pragma warning disable CA2208

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// The paper's CNN (<c>cnn</c>) and ResNet (<c>resnet</c>) behind the architecture seam: <see cref="ConvolutionalNetwork"/>
/// with its <see cref="ConvolutionalCascade"/> of transposed-convolution decoders. Layer outputs keep their image
/// shape [c, H, W]; the depth is the authors' (see <see cref="ConvolutionalSpec.Depth"/>).
/// </summary>
internal sealed class ConvolutionalArchitecture : Architecture
{
    /// <summary>The plain CNN.</summary>
    public const string CnnName = "cnn";

    /// <summary>The ResNet.</summary>
    public const string ResNetName = "resnet";

    public ConvolutionalArchitecture(ConvolutionalKind kind)
    {
        Kind = kind;
    }

    /// <summary>CNN or ResNet.</summary>
    public ConvolutionalKind Kind { get; }

    /// <inheritdoc/>
    public override string Name => Kind == ConvolutionalKind.Plain ? CnnName : ResNetName;

    /// <inheritdoc/>
    public override ProbeDefaults Defaults => ConvolutionalDefaults.Probe;

    /// <summary>Decoded layers L of depth <paramref name="depth"/>: D + 2 for the CNN, D + 3 for the ResNet (the stem is three).</summary>
    public int LayersAt(int depth) => Kind == ConvolutionalKind.Plain ? depth + 2 : depth + ConvolutionalSpec.StemLayers;

    /// <summary>The channels used when a description gives none: the authors' 128 for the CNN, 32 for the ResNet.</summary>
    public int DefaultChannels => Kind == ConvolutionalKind.Plain ? ConvolutionalDefaults.CnnChannels : ConvolutionalDefaults.ResNetChannels;

    /// <summary>The network a description gives on images of <paramref name="input"/>, checked.</summary>
    public ConvolutionalSpec Spec(NetworkDescription network, ImageShape input, int classes, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Width.ToString() != NetworkWidth.Wide.ToString())
        {
            throw new ArgumentException($"Width applies to the MLP, not '{Name}' (use Channels); got '{network.Width}'.", "Width");
        }
        var spec = new ConvolutionalSpec
        {
            Kind = Kind,
            InputChannels = input.Channels,
            Height = input.Height,
            Width = input.Width,
            Classes = classes,
            Channels = network.Channels ?? DefaultChannels,
            Depth = network.Depth,
            SigmaW2 = network.SigmaW2,
            SigmaB2 = network.SigmaB2,
            Activation = network.Activation,
            Seed = seed,
        };
        ConvolutionalValidation.Check(spec);
        return spec;
    }

    /// <inheritdoc/>
    public override NetworkLayout Layout(NetworkDescription network, ImageShape input, int classes, string dataset) =>
        LayoutOf(Spec(network, input, classes));

    /// <inheritdoc/>
    public override NetworkLayout SavedLayout(NetworkDescription network, ImageShape input, IReadOnlyList<int> layerSizes, IReadOnlyList<bool> decoderTanhOutputs)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(decoderTanhOutputs);
        NetworkLayout layout;
        try
        {
            // The class count does not change any saved shape; the saved weights are checked by the strict load.
            layout = LayoutOf(Spec(network, input, classes: 10));
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"The saved {Name}'s description is invalid: {ex.Message}", ex);
        }
        if (!layout.LayerSizes.SequenceEqual(layerSizes) || !layout.DecoderTanhOutputs.SequenceEqual(decoderTanhOutputs))
        {
            throw new InvalidDataException($"The saved {Name}'s {layerSizes.Count} layer sizes and decoder flags do not match its depth {network.Depth} and {network.Channels} channels on {input} images.");
        }
        return layout;
    }

    /// <inheritdoc/>
    public override long? ParameterBytes(NetworkDescription network, ImageShape input, IReadOnlyList<int> layerSizes)
    {
        ArgumentNullException.ThrowIfNull(network);
        try
        {
            ConvolutionalSpec spec = Spec(network, input, classes: 10);
            var (networkValues, decoderValues) = ConvolutionalMemoryEstimate.ParameterCounts(spec);
            return checked((long)(networkValues + decoderValues) * sizeof(float));
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public override (double Bytes, string Breakdown) EstimateMemory(NetworkLayout layout, ProbeWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(workload);
        return ConvolutionalMemoryEstimate.Estimate(FromLayout(layout), workload);
    }

    /// <inheritdoc/>
    public override ProbeNetwork Create(NetworkDescription network, NetworkLayout layout, int seed, Device device)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(device);
        ConvolutionalSpec spec = Spec(network, layout.Input, layout.Classes, seed);
        var net = new ConvolutionalNetwork(spec, device);
        try
        {
            var cascade = new ConvolutionalCascade(spec, device);
            return new ConvolutionalProbeNetwork(this, network, layout, net, cascade, device);
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>The layout of <paramref name="spec"/>: h_0 the image, then [c, H_ℓ, W_ℓ] per layer; tanh decoders (the image's always).</summary>
    internal static NetworkLayout LayoutOf(ConvolutionalSpec spec)
    {
        var shapes = new int[spec.Layers + 1][];
        var tanh = new bool[spec.Layers];
        for (int l = 0; l <= spec.Layers; l++)
        {
            var (c, h, w) = spec.LayerShape(l);
            shapes[l] = [c, h, w];
            if (l > 0)
            {
                tanh[l - 1] = l == 1 || spec.Activation.IsBounded;
            }
        }
        return new NetworkLayout(new ImageShape(spec.InputChannels, spec.Height, spec.Width), spec.Classes, shapes, tanh);
    }

    /// <summary>The spec of a layout (for the memory estimate; σ's do not matter there).</summary>
    private ConvolutionalSpec FromLayout(NetworkLayout layout) => new()
    {
        Kind = Kind,
        InputChannels = layout.Input.Channels,
        Height = layout.Input.Height,
        Width = layout.Input.Width,
        Classes = layout.Classes,
        Channels = layout.LayerShapes[1][0],
        Depth = Kind == ConvolutionalKind.Plain ? layout.Depth - 2 : layout.Depth - ConvolutionalSpec.StemLayers,
        SigmaW2 = 1,
    };
}
