namespace Entropy.MLNet.Data;

/// <summary>
/// White-noise images: every pixel independent and uniform in [0, 1), with labels drawn uniformly from
/// <c>classes</c> classes (they carry no information: a classifier can only memorise them). Deterministic for a given
/// seed and split on every platform, because it uses its own SplitMix64 generator rather than <see cref="Random"/>.
/// </summary>
public static class WhiteNoise
{
    /// <summary>Default number of images in the train split.</summary>
    public const int DefaultTrainCount = 10_000;

    /// <summary>Default number of images in the test split.</summary>
    public const int DefaultTestCount = 1_000;

    /// <summary>Generates a white-noise dataset.</summary>
    /// <param name="shape">Image shape C×H×W.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="classes">Number of classes the labels are drawn from (class names "0", "1", ...).</param>
    /// <param name="seed">Seed; the same seed and split always give the same images.</param>
    /// <param name="split"><c>train</c> or <c>test</c>; the two splits use different streams of the seed.</param>
    public static ImageDataset Generate(ImageShape shape, int count, int classes, int seed, string split = "train")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shape.Channels, 1, nameof(shape));
        ArgumentOutOfRangeException.ThrowIfLessThan(shape.Height, 1, nameof(shape));
        ArgumentOutOfRangeException.ThrowIfLessThan(shape.Width, 1, nameof(shape));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, 65_536);
        long total = (long)shape.Channels * shape.Height * shape.Width * count;
        if (total > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{count} noise images of {shape} need {total} values, more than one array can hold.");
        }
        // Mix the split into the state so train and test never share images.
        ulong state = ((ulong)(uint)seed << 32) ^ (split == "test" ? 0x5DEECE66DUL : 0x2545F4914F6CDD1DUL);
        var pixels = new float[total];
        for (long i = 0; i < pixels.LongLength; i++)
        {
            // The top 24 bits give every float in [0, 1) on a 2^-24 grid, uniformly.
            pixels[i] = (Next(ref state) >> 40) * (1f / (1 << 24));
        }
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (int)((Next(ref state) >> 32) * (ulong)classes >> 32);
        }
        var names = Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new ImageDataset("noise", split, DatasetCatalog.GeneratedSource, shape.Channels, shape.Height, shape.Width, pixels, labels, names);
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
