using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.Sweep;

/// <summary>How a sweep runs (none of this changes its numbers, so none of it is in <see cref="SweepSettings"/>).</summary>
public sealed record SweepRunOptions
{
    /// <summary>Compute device; default auto.</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>TorchSharp intra-op threads; null keeps the current setting.</summary>
    public int? Threads { get; init; }

    /// <summary>Test images whose reconstruction grids are written to <c>DIR/recon/</c> per configuration; 0 writes none. Default 4.</summary>
    public int ReconstructionImages { get; init; } = 4;
}
