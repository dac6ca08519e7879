namespace Entropy.MLNet.Training;

/// <summary>How <see cref="TrainableDepthSearch"/> looks for the maximum trainable depth.</summary>
public enum TrainableDepthSearchMethod
{
    /// <summary>Bisection on depth: ~log₂(range) trainings. Assumes monotonicity (trainable at d ⇒ trainable at every d′ &lt; d).</summary>
    Bisection,

    /// <summary>The authors' descending staircase: train at the start depth and step down until a depth trains.</summary>
    Staircase,
}

/// <summary>One training of a depth search.</summary>
/// <param name="Depth">The depth tried.</param>
/// <param name="Trainable">Whether it trained.</param>
public sealed record DepthTrial(int Depth, bool Trainable);

/// <summary>The outcome of a depth search.</summary>
/// <param name="MaxTrainableDepth">The deepest depth found trainable; 0 when none of the depths tried trained.</param>
/// <param name="Trials">Every depth tried, in order.</param>
public sealed record DepthSearchResult(int MaxTrainableDepth, IReadOnlyList<DepthTrial> Trials);

/// <summary>
/// Maximum trainable depth for one σ_w², given an oracle that trains a network of a given depth and says whether it
/// reached the threshold (e.g. <see cref="GroundTruthTrainer"/>; a <see cref="Func{T, TResult}"/> keeps the search
/// testable on synthetic oracles).
/// </summary>
public static class TrainableDepthSearch
{
    /// <summary>The smallest depth a network can have.</summary>
    public const int MinimumDepth = 2;

    /// <summary>Parses <c>bisection</c> or <c>staircase</c>.</summary>
    /// <exception cref="ArgumentException">Neither.</exception>
    public static TrainableDepthSearchMethod ParseMethod(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "bisection" => TrainableDepthSearchMethod.Bisection,
        "staircase" => TrainableDepthSearchMethod.Staircase,
        _ => throw new ArgumentException($"Unknown depth search '{name}': use bisection or staircase.", nameof(name)),
    };

    /// <summary>Runs <paramref name="method"/> between <paramref name="minDepth"/> and <paramref name="maxDepth"/>.</summary>
    /// <param name="trainable">Trains depth d and says whether it trained.</param>
    /// <param name="method">The search.</param>
    /// <param name="maxDepth">The deepest depth considered (the staircase starts there).</param>
    /// <param name="step">Staircase step (the authors: 5); ignored by bisection.</param>
    /// <param name="minDepth">The shallowest depth considered (default 2).</param>
    public static DepthSearchResult Search(Func<int, bool> trainable, TrainableDepthSearchMethod method, int maxDepth, int step = 5, int minDepth = MinimumDepth)
        => method == TrainableDepthSearchMethod.Staircase
            ? Staircase(trainable, maxDepth, step, minDepth)
            : Bisection(trainable, minDepth, maxDepth);

    /// <summary>
    /// Bisection on depth in [<paramref name="minDepth"/>, <paramref name="maxDepth"/>]: first the deepest (early exit
    /// when it trains), then the shallowest (early exit when it does not), then halving the bracket
    /// (trainable lo, untrainable hi) until hi = lo + 1. Exact under monotonicity — trainable at d ⇒ trainable at every
    /// d′ &lt; d — which holds away from noise; where it fails the result is some depth at a trainable/untrainable edge.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">minDepth &lt; 2 or maxDepth &lt; minDepth.</exception>
    public static DepthSearchResult Bisection(Func<int, bool> trainable, int minDepth, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(trainable);
        CheckRange(minDepth, maxDepth);
        var trials = new List<DepthTrial>();
        bool Try(int depth)
        {
            bool ok = trainable(depth);
            trials.Add(new DepthTrial(depth, ok));
            return ok;
        }
        if (Try(maxDepth))
        {
            return new DepthSearchResult(maxDepth, trials);
        }
        if (minDepth == maxDepth || !Try(minDepth))
        {
            return new DepthSearchResult(0, trials);
        }
        int lo = minDepth;
        int hi = maxDepth;
        while (hi - lo > 1)
        {
            int mid = lo + ((hi - lo) / 2);
            if (Try(mid))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return new DepthSearchResult(lo, trials);
    }

    /// <summary>
    /// The authors' descending staircase: train at <paramref name="startDepth"/>; while it does not train, lower the
    /// depth by <paramref name="step"/> (stopping at <paramref name="minDepth"/>). The first depth that trains is the
    /// result (resolution: the step). The authors also carry the depth over to the next σ_w²; a sweep starts every
    /// σ_w² at the maximum depth instead, so that configurations stay independent (resumable, shardable).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">minDepth &lt; 2, startDepth &lt; minDepth or step &lt; 1.</exception>
    public static DepthSearchResult Staircase(Func<int, bool> trainable, int startDepth, int step, int minDepth = MinimumDepth)
    {
        ArgumentNullException.ThrowIfNull(trainable);
        CheckRange(minDepth, startDepth);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        var trials = new List<DepthTrial>();
        for (int depth = startDepth; ; depth = Math.Max(minDepth, depth - step))
        {
            bool ok = trainable(depth);
            trials.Add(new DepthTrial(depth, ok));
            if (ok)
            {
                return new DepthSearchResult(depth, trials);
            }
            if (depth == minDepth)
            {
                return new DepthSearchResult(0, trials);
            }
        }
    }

    private static void CheckRange(int minDepth, int maxDepth)
    {
        if (minDepth < MinimumDepth)
        {
            throw new ArgumentOutOfRangeException(nameof(minDepth), minDepth, $"The shallowest depth must be at least {MinimumDepth}; got {minDepth}.");
        }
        if (maxDepth < minDepth)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDepth), maxDepth, $"The deepest depth ({maxDepth}) must be at least the shallowest ({minDepth}).");
        }
    }
}
