namespace Entropy.MLNet.Probe;

/// <summary>
/// The rules of <see cref="ProbeMode.Adaptive"/>: when the decoders have seen enough images, and when the cascade is deep
/// enough. Both only ever stop work whose result would not change the answer by more than the measured seed noise
/// (docs/performance.md); the constants were chosen on MNIST only.
/// <para>
/// <b>Samples.</b> The decoders train in chunks of <see cref="ChunkRows"/> images. After each chunk the mean layer-local
/// loss of every decoder is compared with the previous chunk's; training stops once at least <see cref="MinimumImages"/>
/// images were used and the decoders' summed loss improved by at most <see cref="LossTolerance"/> of itself over the
/// last <see cref="Window"/> chunks. The frozen network then never computes the images left over.
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
    /// <summary>Images per chunk: the granularity of the samples rule.</summary>
    public const int ChunkRows = 2048;

    /// <summary>Fewest images any decoder trains on.</summary>
    public const int MinimumImages = 4096;

    /// <summary>Chunks per window of the convergence test.</summary>
    public const int Window = 1;

    /// <summary>Largest relative improvement of the summed layer-local loss over a window that counts as converged.</summary>
    public const double LossTolerance = 0.01;

    /// <summary>Decoders trained in the first depth stage.</summary>
    public const int FirstStageDepth = 50;

    /// <summary>Layers the curve must reach whatever its cutoff (the calibrated prediction reads layers up to 40 and the collapse up to ~75).</summary>
    public const int MinimumDepth = 50;

    /// <summary>Least distance, in layers, between the cutoff and the deepest layer measured.</summary>
    public const int MarginLayers = 10;

    /// <summary>The margin as a fraction of the cutoff, when that is larger than <see cref="MarginLayers"/>.</summary>
    public const double MarginFraction = 0.5;

    /// <summary>
    /// Whether training can stop after the chunks in <paramref name="losses"/> (each: the mean loss per decoder, index ℓ − 1,
    /// NaN for decoders not trained), of which the last ends after <paramref name="imagesSeen"/> images.
    /// </summary>
    /// <param name="losses">The chunks' loss vectors so far, in order.</param>
    /// <param name="imagesSeen">Images trained on so far.</param>
    /// <param name="tolerance">The relative improvement that counts as converged.</param>
    /// <param name="minimumImages">Fewest images before a stop.</param>
    /// <param name="window">Chunks per window.</param>
    public static bool SamplesConverged(IReadOnlyList<IReadOnlyList<double>> losses, long imagesSeen,
        double tolerance = LossTolerance, long minimumImages = MinimumImages, int window = Window)
    {
        ArgumentNullException.ThrowIfNull(losses);
        if (imagesSeen < minimumImages || losses.Count < 2 * window)
        {
            return false;
        }
        double before = WindowSum(losses, losses.Count - (2 * window), window);
        double last = WindowSum(losses, losses.Count - window, window);
        // A loss that is not finite (a diverging decoder) never counts as converged by itself; the epoch ends it.
        if (!double.IsFinite(before) || !double.IsFinite(last))
        {
            return false;
        }
        return before - last <= tolerance * last;
    }

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

    /// <summary>The next stage's deepest decoder after one ending at <paramref name="measuredLayers"/>: twice as deep, at most the network.</summary>
    public static int NextStage(int measuredLayers, int depth) => (int)Math.Min(depth, 2L * Math.Max(1, measuredLayers));

    /// <summary>The first stage's deepest decoder: <see cref="FirstStageDepth"/>, at least <see cref="MinimumDepth"/>, at most the network.</summary>
    public static int FirstStage(int depth) => Math.Min(depth, Math.Max(FirstStageDepth, MinimumDepth));

    private static double WindowSum(IReadOnlyList<IReadOnlyList<double>> losses, int start, int window)
    {
        double sum = 0;
        for (int k = start; k < start + window; k++)
        {
            foreach (double v in losses[k])
            {
                if (!double.IsNaN(v))
                {
                    sum += v;
                }
            }
        }
        return sum;
    }
}
