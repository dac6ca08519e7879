using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>Which convolutional family: the plain CNN or the ResNet of the paper's later version.</summary>
internal enum ConvolutionalKind
{
    /// <summary>Blocks of [3×3 conv (valid), activation, circular padding 1] (the authors' <c>get_conv_net</c>).</summary>
    Plain,

    /// <summary>Blocks x ← φ(x + [conv, pad, φ, conv, pad](x)) (the authors' <c>get_resnet_normal</c>).</summary>
    Residual,
}

/// <summary>
/// Everything that defines a <see cref="ConvolutionalNetwork"/>: the stem of three 3×3 convolutions (stride 1 with zero
/// padding "same", then two of stride 2 with zero padding 1, so 28×28 becomes 7×7), the blocks, and the classifier head
/// (a valid 3×3 convolution, the mean over the map, a bias-free linear layer, the activation).
/// </summary>
internal sealed record ConvolutionalSpec
{
    /// <summary>The largest channel count accepted (the paper uses 128).</summary>
    public const int MaxChannels = 4096;

    /// <summary>The plain CNN or the ResNet.</summary>
    public required ConvolutionalKind Kind { get; init; }

    /// <summary>Input channels (1 for gray images).</summary>
    public required int InputChannels { get; init; }

    /// <summary>Input height; a multiple of 4 and at least 12 (the stem halves it twice, a block needs a 3×3 map).</summary>
    public required int Height { get; init; }

    /// <summary>Input width; a multiple of 4 and at least 12.</summary>
    public required int Width { get; init; }

    /// <summary>Number of classes of the head.</summary>
    public required int Classes { get; init; }

    /// <summary>Channels c of every hidden layer.</summary>
    public required int Channels { get; init; }

    /// <summary>
    /// The depth as the authors count it. Plain CNN: D gives D − 1 blocks after the stem (their
    /// <c>get_conv_net(D)</c>), so D + 2 decoded layers and, without the last two, D curve points. ResNet: D blocks
    /// after the stem, D + 3 decoded layers.
    /// </summary>
    public required int Depth { get; init; }

    /// <summary>Weight variance: W ~ N(0, σ_w²/(C_in·k²)).</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance: b ~ N(0, σ_b²); the authors use 2e-5 for both families.</summary>
    public double SigmaB2 { get; init; } = ConvolutionalDefaults.SigmaB2;

    /// <summary>The activation after every convolution; tanh as the authors.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Seed of the private generator that draws the weights.</summary>
    public int Seed { get; init; }

    /// <summary>Blocks after the stem.</summary>
    public int Blocks => Kind == ConvolutionalKind.Plain ? Depth - 1 : Depth;

    /// <summary>Decoded layers L: the three stem layers and the blocks (the head has no decoder, as the authors).</summary>
    public int Layers => StemLayers + Blocks;

    /// <summary>The stem's layer count.</summary>
    public const int StemLayers = 3;

    /// <summary>The smallest depth: one block for the CNN (D = 2), one for the ResNet.</summary>
    public int MinDepth => Kind == ConvolutionalKind.Plain ? 2 : 1;

    /// <summary>The shape [C, H, W] of layer ℓ's output (ℓ = 0 is the input).</summary>
    public (int C, int H, int W) LayerShape(int layer) => layer switch
    {
        0 => (InputChannels, Height, Width),
        1 => (Channels, Height, Width),
        2 => (Channels, Height / 2, Width / 2),
        _ => (Channels, Height / 4, Width / 4),
    };

    /// <summary>Values per image of layer ℓ's output.</summary>
    public int LayerSize(int layer)
    {
        var (c, h, w) = LayerShape(layer);
        return c * h * w;
    }

    /// <summary>Values per image of every layer's output, layers 0..L.</summary>
    public int[] LayerSizes() => [.. Enumerable.Range(0, Layers + 1).Select(LayerSize)];

    /// <summary>Convolutions in layer ℓ (1..L): one in the stem and in a CNN block, two in a ResNet block.</summary>
    public int ConvolutionsIn(int layer) => layer > StemLayers && Kind == ConvolutionalKind.Residual ? 2 : 1;

    /// <summary>The family's name as the command line spells it.</summary>
    public string ArchitectureName => Kind == ConvolutionalKind.Plain ? "cnn" : "resnet";
}
