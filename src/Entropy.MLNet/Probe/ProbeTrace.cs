namespace Entropy.MLNet.Probe;

/// <summary>
/// A study aid for the decoders' budget (docs/performance.md): the probe also measures its curve after given numbers of
/// training images, and records every chunk's decoder losses. What an adaptive probe would answer had it stopped there.
/// </summary>
/// <param name="SnapshotImages">Training-image counts after which to evaluate (rounded up to the end of a chunk).</param>
internal sealed record ProbeTrace(IReadOnlyList<int> SnapshotImages)
{
    /// <summary>The evaluations, in order: images trained on, and the result had training stopped there.</summary>
    public List<(long Images, ProbeResult Result)> Snapshots { get; } = [];

    /// <summary>Every chunk's images-so-far and mean loss per decoder.</summary>
    public List<(long Images, double[] Losses)> Losses { get; } = [];
}
