using System.CommandLine;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Convolutional;
using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Cli.Infrastructure;

/// <summary>
/// <c>--architecture</c> and <c>--channels</c>, shared by the commands that build a network, and the family's defaults
/// for the settings the user left out (σ_b², the decoder batch and the cutoff tolerance differ between the MLP and the
/// convolutional families, as in the authors' scripts).
/// </summary>
internal static class ArchitectureOptions
{
    public static Option<string> Architecture() => new Option<string>("--architecture")
    {
        Description = "Network family: mlp (fully connected), cnn (the paper's CNN: 3×3 convolutions, circular padding) or resnet (its residual blocks).",
        DefaultValueFactory = _ => ArchitectureCatalog.MlpName,
    }.AcceptOnlyFromAmong([.. ArchitectureCatalog.All.Select(a => a.Name)]);

    public static Option<int?> Channels() => new("--channels")
    {
        Description = $"Channels per layer of cnn/resnet (default: the authors' {ConvolutionalDefaults.CnnChannels} for cnn, {ConvolutionalDefaults.ResNetChannels} for resnet); not for mlp.",
    };

    /// <summary>The family named by <paramref name="name"/>; refuses --channels for the MLP.</summary>
    public static Architecture Resolve(string? name, int? channels)
    {
        Architecture architecture;
        try
        {
            architecture = ArchitectureCatalog.Get(name);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"--architecture: {ex.Message.Replace(" (Parameter 'Architecture')", string.Empty, StringComparison.Ordinal)}", ex);
        }
        if (channels is not null && architecture is not ConvolutionalArchitecture)
        {
            throw new ArgumentException($"--channels: applies to cnn and resnet, not '{architecture.Name}'.");
        }
        if (channels is < 1 or > ConvolutionalSpec.MaxChannels)
        {
            throw new ArgumentException($"--channels: must be in 1..{ConvolutionalSpec.MaxChannels}; got {channels}.");
        }
        return architecture;
    }

    /// <summary>The channels a run records: the given ones, the family's default for a convolutional family, null for the MLP.</summary>
    public static int? EffectiveChannels(Architecture architecture, int? channels) =>
        architecture is ConvolutionalArchitecture conv ? channels ?? conv.DefaultChannels : null;

    /// <summary>The family's defaults.</summary>
    public static ProbeDefaults Defaults(Architecture architecture) => architecture.Defaults;
}
