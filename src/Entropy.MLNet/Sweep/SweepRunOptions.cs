using Entropy.MLNet.Probe;
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

    /// <summary>
    /// Draws a configuration's reconstructions into the PNG file at the given path (the sweep names it under
    /// <c>DIR/recon/</c>); null (default) writes no pictures. The sweep sits below the reporting layer, so whoever runs
    /// it passes the drawing in, e.g. <c>(path, r) =&gt; ReconstructionGrid.Write(path, r)</c>.
    /// </summary>
    public Action<string, ProbeReconstructions>? ReconstructionWriter { get; init; }

    /// <summary>The images per configuration that end up in a picture: none without a writer.</summary>
    internal int PictureImages => ReconstructionWriter is null ? 0 : ReconstructionImages;
}
