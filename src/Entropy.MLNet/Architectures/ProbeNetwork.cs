using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures;

/// <summary>
/// A network and its cascade of decoders, built by an <see cref="Architecture"/>: the frozen, Gaussian-initialised
/// network whose layer outputs h_1..h_L the probe reads, and one decoder per layer that maps h_ℓ back to h_ℓ−1 (decoder
/// 1 reconstructs the image). The probe, its persistence, the ML.NET transformers and the trainer use only this.
/// <para>
/// Shapes: images go in and reconstructions come out flattened, [B, C·H·W], whatever the family (a convolutional
/// family reshapes to [B, C, H, W] inside); layer outputs keep the family's own shape, [B, n_ℓ] or [B, C_ℓ, H_ℓ, W_ℓ]
/// (<see cref="NetworkLayout.LayerShapes"/>). Every method that returns tensors runs without gradients, in its own
/// dispose scope; the caller owns (disposes) what it gets.
/// </para>
/// </summary>
internal abstract class ProbeNetwork : IDisposable
{
    private bool _disposed;

    /// <summary>Keeps what every family's network shares: its family, description, layout and device.</summary>
    protected ProbeNetwork(Architecture architecture, NetworkDescription description, NetworkLayout layout, Device device)
    {
        Architecture = architecture;
        Description = description;
        Layout = layout;
        Device = device;
    }

    /// <summary>The family that built this network (and saves and loads it).</summary>
    public Architecture Architecture { get; }

    /// <summary>What the network was built from.</summary>
    public NetworkDescription Description { get; }

    /// <summary>The shapes of the input, the layers and the decoders.</summary>
    public NetworkLayout Layout { get; }

    /// <summary>Device of the parameters.</summary>
    public Device Device { get; }

    /// <summary>Number of layers L (one decoder each).</summary>
    public int Depth => Layout.Depth;

    /// <summary>Values per sample of h_0..h_L.</summary>
    public IReadOnlyList<int> LayerSizes => Layout.LayerSizes;

    /// <summary>Values per image, C·H·W.</summary>
    public int InputSize => Layout.LayerSizes[0];

    /// <summary>Number of classes of the dataset the network was built for.</summary>
    public int Classes => Layout.Classes;

    /// <summary>Whether <see cref="Dispose()"/> has run.</summary>
    protected bool IsDisposed => _disposed;

    /// <summary>
    /// h_0..h_<paramref name="upToLayer"/> of a batch of flattened images [B, C·H·W]: element 0 is the input (an alias,
    /// in the layer's shape), element ℓ is layer ℓ's post-activation output.
    /// </summary>
    /// <param name="input">Images [B, C·H·W] on <see cref="Device"/>.</param>
    /// <param name="upToLayer">The deepest layer computed (1..L); −1 for L.</param>
    public abstract Tensor[] LayerOutputs(Tensor input, int upToLayer = -1);

    /// <summary>Applies decoder <paramref name="layer"/> (1..L) to h_ℓ, giving h_ℓ−1's shape.</summary>
    public abstract Tensor Decode(int layer, Tensor activations);

    /// <summary>Reconstructs the images from h_<paramref name="fromLayer"/> by chaining decoders ℓ..1: [B, C·H·W]; layer 0 returns a flattened copy.</summary>
    public abstract Tensor Reconstruct(Tensor activations, int fromLayer);

    /// <summary>
    /// Reconstructions of the images from every layer 1..<paramref name="upToLayer"/>: element ℓ − 1 is C_1(…C_ℓ(h_ℓ)),
    /// [B, C·H·W]. A family may batch the work (the MLP applies each decoder once to all partial reconstructions).
    /// </summary>
    /// <param name="layerOutputs">h_0..h_L from <see cref="LayerOutputs"/> (h_0 is not used).</param>
    /// <param name="upToLayer">The deepest layer to reconstruct from (1..L).</param>
    public abstract Tensor[] ReconstructAll(IReadOnlyList<Tensor> layerOutputs, int upToLayer);

    /// <summary>
    /// The authors' <c>get_perfect</c> for this family: per class k, a code for class k at the deepest layer decoded
    /// through the whole cascade, [classes, C·H·W]; null when the family has no class code at its last layer.
    /// </summary>
    public abstract Tensor? IdealInputs();

    /// <summary>A trainer for the decoders (Adam with <paramref name="learningRate"/>, one per decoder), on <see cref="Device"/>.</summary>
    public abstract DecoderTrainer CreateTrainer(double learningRate);

    /// <summary>The frozen network's parameters (for tests and for checks that they never change).</summary>
    /// <summary>
    /// Fits decoders 1..<paramref name="lastLayer"/> in closed form on <paramref name="images"/> [N, n0] instead of
    /// training them (<see cref="Probe.ProbeMode.LeastSquares"/>); returns the FLOP spent. Families without a closed form
    /// refuse it (options validation says so first).
    /// </summary>
    public virtual double FitDecodersLeastSquares(Tensor images, int lastLayer, Action<int>? afterLayer, CancellationToken ct) =>
        throw new NotSupportedException($"The '{Architecture.Name}' family has no least-squares decoders.");

    public abstract IEnumerable<Parameter> NetworkParameters();

    /// <summary>Writes the network's and the decoders' weights (after the descriptor the caller wrote).</summary>
    public abstract void SaveWeights(BinaryWriter writer);

    /// <summary>Reads weights written by <see cref="SaveWeights"/> into this network (built from the same description and layout).</summary>
    /// <exception cref="ArgumentException">The weights do not fit (TorchSharp's strict load).</exception>
    /// <exception cref="EndOfStreamException">The stream ends early.</exception>
    public abstract void LoadWeights(BinaryReader reader);

    /// <summary>Frees the network and the decoders.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Dispose(true);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Frees the family's modules.</summary>
    protected abstract void Dispose(bool disposing);
}
