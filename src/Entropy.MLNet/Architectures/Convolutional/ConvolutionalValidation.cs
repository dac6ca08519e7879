using Entropy.MLNet.Runtime;

// Check names the offending setting (not a method parameter), so that callers and the CLI can say which one.
#pragma warning disable CA2208

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>Checks a <see cref="ConvolutionalSpec"/> before anything is allocated; each error names the setting.</summary>
internal static class ConvolutionalValidation
{
    /// <summary>The deepest network accepted (decoded layers).</summary>
    public const int MaxLayers = 100_000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the bad setting.</summary>
    public static void Check(ConvolutionalSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!(spec.SigmaW2 > 0) || double.IsInfinity(spec.SigmaW2))
        {
            throw new ArgumentOutOfRangeException("SigmaW2", spec.SigmaW2, $"SigmaW2 must be a finite number above 0; got {spec.SigmaW2}.");
        }
        if (!(spec.SigmaB2 >= 0) || double.IsInfinity(spec.SigmaB2))
        {
            throw new ArgumentOutOfRangeException("SigmaB2", spec.SigmaB2, $"SigmaB2 must be a finite number of at least 0; got {spec.SigmaB2}.");
        }
        if (spec.Channels < 1 || spec.Channels > ConvolutionalSpec.MaxChannels)
        {
            throw new ArgumentOutOfRangeException("Channels", spec.Channels, $"Channels must be in 1..{ConvolutionalSpec.MaxChannels}; got {spec.Channels}.");
        }
        if (spec.Depth < spec.MinDepth || spec.Layers > MaxLayers)
        {
            throw new ArgumentOutOfRangeException("Depth", spec.Depth,
                $"Depth must be in {spec.MinDepth}..{MaxLayers - ConvolutionalSpec.StemLayers} for the {spec.ArchitectureName}; got {spec.Depth}.");
        }
        if (spec.InputChannels < 1 || spec.Height < 12 || spec.Width < 12 || spec.Height % 4 != 0 || spec.Width % 4 != 0)
        {
            throw new ArgumentException(
                $"The {spec.ArchitectureName} needs images whose height and width are multiples of 4 and at least 12 (its stem halves them twice); got {spec.InputChannels}×{spec.Height}×{spec.Width}.",
                "Architecture");
        }
        if (spec.Classes < 2)
        {
            throw new ArgumentException($"The {spec.ArchitectureName} needs at least 2 classes; got {spec.Classes}.", "Classes");
        }
        ArgumentNullException.ThrowIfNull(spec.Activation, "Activation");
        TorchRuntime.EnsureLoaded();
    }
}
