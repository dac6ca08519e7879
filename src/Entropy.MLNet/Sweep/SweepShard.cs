using System.Globalization;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// One of <see cref="Count"/> deterministic parts of a sweep grid: shard i/n runs the configurations whose grid index
/// g satisfies g mod n = i (round-robin, so every shard gets a similar mix of cheap and expensive points).
/// </summary>
/// <param name="Index">0-based shard index, in 0..Count−1.</param>
/// <param name="Count">Number of shards, at least 1.</param>
public sealed record SweepShard(int Index, int Count)
{
    /// <summary>Whether the configuration with grid index <paramref name="gridIndex"/> belongs to this shard.</summary>
    public bool Contains(int gridIndex) => gridIndex % Count == Index;

    /// <summary>Checks the index and count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Count below 1 or index outside 0..Count−1.</exception>
    public void Validate()
    {
        if (Count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Count), Count, $"Shard count must be at least 1; got {Count}.");
        }
        if (Index < 0 || Index >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(Index), Index, $"Shard index must be in 0..{Count - 1}; got {Index}.");
        }
    }

    /// <summary>Parses <c>i/n</c>, e.g. <c>0/4</c> (0-based index, as Slurm array task ids and Kubernetes completion indices).</summary>
    /// <exception cref="ArgumentException">Not of the form i/n, or i outside 0..n−1.</exception>
    public static SweepShard Parse(string text)
    {
        string t = text?.Trim() ?? string.Empty;
        int slash = t.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0
            || !int.TryParse(t.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(t.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            throw new ArgumentException($"--shard '{text}' must have the form i/n with 0 ≤ i < n (e.g. 0/4).", nameof(text));
        }
        if (count < 1 || index >= count)
        {
            throw new ArgumentException($"--shard '{text}': the index must be in 0..n−1 and n at least 1 (e.g. 0/4 … 3/4).", nameof(text));
        }
        return new SweepShard(index, count);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
