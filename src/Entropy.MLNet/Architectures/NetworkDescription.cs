using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Architectures;

/// <summary>
/// The network a probe or a ground-truth training builds, independent of what is done with it: the family
/// (<see cref="Architecture"/>), the Gaussian initialisation (σ_w², σ_b²), the depth, the width rule (fully connected
/// families) or the channels (convolutional families), and the activation. Every outer options type
/// (<c>ProbeOptions</c>, <c>GroundTruthOptions</c>, the ML.NET options, the CLI's settings) maps to it in one place.
/// </summary>
internal sealed record NetworkDescription
{
    /// <summary>The family's name in <see cref="ArchitectureCatalog"/>; default the MLP.</summary>
    public string Architecture { get; init; } = ArchitectureCatalog.MlpName;

    /// <summary>Weight variance σ_w²: W ~ N(0, σ_w²/fan_in).</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b²: b ~ N(0, σ_b²).</summary>
    public double SigmaB2 { get; init; } = ProbeDefaults.Mlp.SigmaB2;

    /// <summary>The depth D (what a layer is depends on the family: a linear layer, a convolution block, a residual block).</summary>
    public required int Depth { get; init; }

    /// <summary>The width rule of a fully connected family.</summary>
    public NetworkWidth Width { get; init; } = NetworkWidth.Wide;

    /// <summary>Channels per layer of a convolutional family; null for a fully connected one (or the family's default).</summary>
    public int? Channels { get; init; }

    /// <summary>The activation after every layer.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>The MLP specification of this network for a dataset's input size and classes, with the network seed.</summary>
    public NetworkSpec ToNetworkSpec(int inputSize, int classes, int seed) => new()
    {
        InputSize = inputSize,
        Classes = classes,
        Depth = Depth,
        Width = Width,
        Activation = Activation,
        SigmaW2 = SigmaW2,
        SigmaB2 = SigmaB2,
        Seed = seed,
    };
}
