using Entropy.MLNet.Data;

namespace Entropy.MLNet.Architectures;

/// <summary>
/// The shapes of a built probe network, known before anything is allocated: the input image, h_0..h_L per sample
/// (<see cref="LayerShapes"/>: [n] for a fully connected layer, [C, H, W] for a convolutional one), and each decoder's
/// output nonlinearity. Decoder ℓ (1..L) maps h_ℓ back to h_ℓ−1; h_0 is the image itself.
/// </summary>
internal sealed record NetworkLayout
{
    /// <summary>Creates a layout; <paramref name="layerShapes"/> holds h_0..h_L, <paramref name="decoderTanhOutputs"/> one flag per decoder.</summary>
    public NetworkLayout(ImageShape input, int classes, IReadOnlyList<int[]> layerShapes, IReadOnlyList<bool> decoderTanhOutputs)
    {
        ArgumentNullException.ThrowIfNull(layerShapes);
        ArgumentNullException.ThrowIfNull(decoderTanhOutputs);
        if (layerShapes.Count < 2 || decoderTanhOutputs.Count != layerShapes.Count - 1)
        {
            throw new ArgumentException($"A layout needs h_0..h_L (at least two shapes) and one decoder flag per layer; got {layerShapes.Count} shapes and {decoderTanhOutputs.Count} flags.");
        }
        Input = input;
        Classes = classes;
        LayerShapes = [.. layerShapes.Select(s => (int[])s.Clone())];
        DecoderTanhOutputs = [.. decoderTanhOutputs];
        LayerSizes = [.. LayerShapes.Select(s => s.Aggregate(1, (a, b) => checked(a * b)))];
    }

    /// <summary>The image shape C×H×W the network reads (flattened, h_0 has <see cref="ImageShape.Size"/> values).</summary>
    public ImageShape Input { get; }

    /// <summary>Number of classes of the dataset.</summary>
    public int Classes { get; }

    /// <summary>Per-sample shape of h_0..h_L.</summary>
    public IReadOnlyList<int[]> LayerShapes { get; }

    /// <summary>Values per sample of h_0..h_L (the product of each shape).</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>For decoder ℓ (index ℓ − 1): true when it ends with tanh, false for a linear output.</summary>
    public IReadOnlyList<bool> DecoderTanhOutputs { get; }

    /// <summary>Number of layers L, one decoder each.</summary>
    public int Depth => LayerShapes.Count - 1;
}
