using Entropy.MLNet.Networks;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures;

/// <summary>
/// A family of networks the probe can read (the MLP; convolutional and residual networks): how to lay out and build
/// the network with its decoders for a <see cref="NetworkDescription"/>, how much memory a probe of it needs, how many
/// bytes its weights take, and its default settings. One instance per family, registered in
/// <see cref="ArchitectureCatalog"/>.
/// </summary>
internal abstract class Architecture
{
    /// <summary>The family's name, lower case (<c>mlp</c>, …): what the CLI's <c>--architecture</c> and the saved models say.</summary>
    public abstract string Name { get; }

    /// <summary>The probe's defaults for this family (the authors' script for it).</summary>
    public abstract ProbeDefaults Defaults { get; }

    /// <summary>
    /// Checks <paramref name="network"/> against the images and returns the layout, before anything is allocated.
    /// Throws <see cref="ArgumentException"/> (or <see cref="ArgumentOutOfRangeException"/>) whose parameter name is
    /// the offending option's (SigmaW2, SigmaB2, Depth, Width, Channels, Activation).
    /// </summary>
    /// <param name="network">The description.</param>
    /// <param name="input">The image shape C×H×W.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="dataset">The dataset's name, for messages.</param>
    public abstract NetworkLayout Layout(NetworkDescription network, Data.ImageShape input, int classes, string dataset);

    /// <summary>
    /// The layout a saved model declares (its descriptor's layer sizes and decoder flags), checked against the
    /// description; throws <see cref="InvalidDataException"/> when they do not belong together.
    /// </summary>
    public abstract NetworkLayout SavedLayout(NetworkDescription network, Data.ImageShape input, IReadOnlyList<int> layerSizes, IReadOnlyList<bool> decoderTanhOutputs);

    /// <summary>
    /// Bytes of float32 parameters of the network and its decoders for a model that declares
    /// <paramref name="layerSizes"/> (values per sample of h_0..h_L); null when that overflows a long. Loaders call it on
    /// a saved model's declarations to bound what they read before anything is built.
    /// </summary>
    public abstract long? ParameterBytes(NetworkDescription network, Data.ImageShape input, IReadOnlyList<int> layerSizes);

    /// <summary>
    /// The memory a probe of <paramref name="layout"/> needs beyond its data: network, decoders with their Adam state,
    /// and the larger of the training and the evaluation working sets; in doubles, so that absurd sizes give absurd
    /// numbers rather than overflowing. Returns the bytes and a short breakdown for messages.
    /// </summary>
    public abstract (double Bytes, string Breakdown) EstimateMemory(NetworkLayout layout, ProbeWorkload workload);

    /// <summary>Builds the network (weights from a private generator seeded with <paramref name="seed"/>) and fresh decoders.</summary>
    /// <param name="network">The description (already checked by <see cref="Layout"/>).</param>
    /// <param name="layout">Its layout.</param>
    /// <param name="seed">Seed of the weights and the decoders' initialisation.</param>
    /// <param name="device">Device for the parameters.</param>
    public abstract ProbeNetwork Create(NetworkDescription network, NetworkLayout layout, int seed, Device device);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
