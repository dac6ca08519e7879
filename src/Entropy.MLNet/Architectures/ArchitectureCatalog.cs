using Entropy.MLNet.Architectures.Convolutional;
using Entropy.MLNet.Architectures.Mlp;

// The checks name the offending option (not a method parameter), so that callers and the CLI can say which one.
#pragma warning disable CA2208

namespace Entropy.MLNet.Architectures;

/// <summary>The architecture families by name. A new family adds one line to <see cref="All"/>.</summary>
internal static class ArchitectureCatalog
{
    /// <summary>The name of the fully connected family, the default everywhere.</summary>
    public const string MlpName = "mlp";

    /// <summary>The fully connected family.</summary>
    public static Architecture Mlp { get; } = new MlpArchitecture();

    /// <summary>Every family, in the order the CLI lists them.</summary>
    public static IReadOnlyList<Architecture> All { get; } = [Mlp, new ConvolutionalArchitecture(ConvolutionalKind.Plain), new ConvolutionalArchitecture(ConvolutionalKind.Residual)];

    /// <summary>The family called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No family has that name; the parameter name is <c>Architecture</c>.</exception>
    public static Architecture Get(string? name)
    {
        string key = (name ?? string.Empty).Trim();
        return All.FirstOrDefault(a => string.Equals(a.Name, key, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown architecture '{key}'; expected one of: {string.Join(", ", All.Select(a => a.Name))}.", "Architecture");
    }
}
