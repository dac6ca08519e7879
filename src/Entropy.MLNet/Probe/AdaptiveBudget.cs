namespace Entropy.MLNet.Probe;

/// <summary>
/// The rules of <see cref="ProbeMode.Adaptive"/>: when the decoders have seen enough images, and when the cascade is deep
/// enough. Both only ever stop work whose result would not change the answer by more than the measured seed noise
/// (docs/performance.md); the constants were chosen on MNIST only.
/// <para>
/// <b>Samples.</b> Each decoder's layer-local loss is averaged over windows of <see cref="WindowImages"/> images
/// (<see cref="LossWindows"/>); once at least <see cref="MinimumImages"/> images were used, a decoder whose loss improved
/// by at most <see cref="LossTolerance"/> of itself from one window to the next, <see cref="ConsecutiveWindows"/> windows
/// in a row, is frozen (it takes no more steps). The
/// frozen network computes no layer deeper than the deepest decoder still training, and training ends when all are frozen.
/// </para>
/// <para>
/// <b>Depth.</b> With test images the cascade is grown in stages: decoders 1..<see cref="FirstStageDepth"/> first, then
/// twice as deep each stage, the new decoders trained on the same image order (so every decoder is the one a single pass
/// would have trained, up to its own stopping point). After each stage the entropy curve of the layers so far is measured;
/// the probe stops when the cutoff of that curve lies at least a margin (<see cref="MarginLayers"/>, or
/// <see cref="MarginFraction"/> of the cutoff when larger) before the deepest layer measured, the curve reaches
/// <see cref="MinimumDepth"/> (the calibrated prediction's features need the layers up to it), or the network diverged.
/// </para>
/// </summary>
internal static class AdaptiveBudget
{
    /// <summary>Rows per training chunk the adaptive probe asks for (memory may make chunks smaller).</summary>
    public const int ChunkRows = 2048;

    /// <summary>Images per window of the convergence test (whole chunks: at least this many).</summary>
    public const int WindowImages = 4096;

    /// <summary>Fewest images any decoder trains on.</summary>
    public const int MinimumImages = 4096;

    /// <summary>Consecutive windows that must each pass the convergence test before a decoder is frozen (one noisy window is not enough).</summary>
    public const int ConsecutiveWindows = 2;

    /// <summary>Largest relative improvement of a decoder's loss from one window to the next that counts as converged.</summary>
    public const double LossTolerance = 0.005;

    /// <summary>Decoders trained in the first depth stage.</summary>
    public const int FirstStageDepth = 50;

    /// <summary>Layers the curve must reach whatever its cutoff (the calibrated prediction reads layers up to 40 and the collapse up to ~75).</summary>
    public const int MinimumDepth = 50;

    /// <summary>Least distance, in layers, between the cutoff and the deepest layer measured.</summary>
    public const int MarginLayers = 10;

    /// <summary>The margin as a fraction of the cutoff, when that is larger than <see cref="MarginLayers"/>.</summary>
    public const double MarginFraction = 0.5;

    /// <summary>
    /// Whether a decoder whose mean loss was <paramref name="before"/> over one window and <paramref name="last"/> over the
    /// next has converged: it improved by at most <paramref name="tolerance"/> of itself (a rising loss has converged too).
    /// A loss that is not finite never has: the epoch's end stops a diverging decoder.
    /// </summary>
    public static bool DecoderConverged(double before, double last, double tolerance = LossTolerance) =>
        double.IsFinite(before) && double.IsFinite(last) && before - last <= tolerance * last;

    /// <summary>
    /// Whether a curve measured over <paramref name="measuredLayers"/> layers of a network of <paramref name="depth"/> layers
    /// answers the probe: its cutoff lies a margin before the deepest layer (and the curve reaches
    /// <paramref name="minimumDepth"/>), or the network diverged within it, or nothing deeper exists.
    /// </summary>
    /// <param name="cutoff">The cutoff of the measured curve (0-based curve index, as <see cref="Cutoff.Find(ReadOnlySpan{double}, double, double)"/>).</param>
    /// <param name="measuredLayers">Layers whose decoders are trained (the curve's length).</param>
    /// <param name="depth">Layers of the network.</param>
    /// <param name="divergenceLayer">The first diverging layer, if any.</param>
    /// <param name="minimumDepth">Layers the curve must reach.</param>
    public static bool DepthSaturated(int cutoff, int measuredLayers, int depth, int? divergenceLayer, int minimumDepth = MinimumDepth)
    {
        if (measuredLayers >= depth || divergenceLayer is { } d && d <= measuredLayers)
        {
            return true;
        }
        if (measuredLayers < minimumDepth)
        {
            return false;
        }
        int margin = Math.Max(MarginLayers, (int)Math.Ceiling(MarginFraction * cutoff));
        return cutoff + margin <= measuredLayers;
    }

    /// <summary>Averages each decoder's chunk losses into windows and applies <see cref="DecoderConverged"/> to consecutive windows.</summary>
    /// <param name="windowImages">Images per window (at least).</param>
    /// <param name="tolerance">The relative improvement that counts as converged.</param>
    /// <param name="consecutive">Windows in a row that must pass.</param>
    /// <param name="minimumImages">Fewest images before any decoder converges.</param>
    internal sealed class LossWindows(int windowImages = WindowImages, double tolerance = LossTolerance, int consecutive = ConsecutiveWindows, long minimumImages = MinimumImages)
    {
        private double[]? _before;
        private double[]? _sum;
        private int[]? _passed;
        private long _rows;
        private long _lastImages;

        /// <summary>Windows completed so far.</summary>
        public int Count { get; private set; }

        /// <summary>
        /// Adds a chunk (mean loss per decoder, index ℓ − 1, NaN for decoders not trained) that ended after
        /// <paramref name="imagesSeen"/> images; returns the decoders (1-based) that converged with the window it completes.
        /// </summary>
        public IReadOnlyList<int> Add(IReadOnlyList<double> losses, long imagesSeen)
        {
            ArgumentNullException.ThrowIfNull(losses);
            long rows = imagesSeen - _lastImages;
            _lastImages = imagesSeen;
            _sum ??= new double[losses.Count];
            _passed ??= new int[losses.Count];
            for (int i = 0; i < losses.Count; i++)
            {
                _sum[i] += losses[i] * rows;
            }
            _rows += rows;
            if (_rows < windowImages)
            {
                return [];
            }
            long total = _rows;
            double[] window = [.. _sum.Select(v => v / total)];
            _sum = null;
            _rows = 0;
            Count++;
            double[]? before = _before;
            _before = window;
            if (before is null)
            {
                return [];
            }
            var converged = new List<int>();
            for (int i = 0; i < window.Length; i++)
            {
                _passed[i] = DecoderConverged(before[i], window[i], tolerance) ? _passed[i] + 1 : 0;
                if (_passed[i] >= consecutive && imagesSeen >= minimumImages)
                {
                    converged.Add(i + 1);
                }
            }
            return converged;
        }
    }

    /// <summary>
    /// The next stage's deepest decoder after one ending at <paramref name="measuredLayers"/>: twice as deep; the whole
    /// network once that reaches the curve's end (<paramref name="curveEnd"/>, the layers before the excluded last ones),
    /// so that no stage is spent on the excluded layers alone.
    /// </summary>
    public static int NextStage(int measuredLayers, int depth, int curveEnd)
    {
        long next = 2L * Math.Max(1, measuredLayers);
        return next >= curveEnd ? depth : (int)next;
    }

    /// <summary>The first stage's deepest decoder: <see cref="FirstStageDepth"/> (at least <see cref="MinimumDepth"/>); the whole network when that reaches the curve's end.</summary>
    public static int FirstStage(int depth, int curveEnd)
    {
        int first = Math.Max(FirstStageDepth, MinimumDepth);
        return first >= curveEnd ? depth : first;
    }
}
