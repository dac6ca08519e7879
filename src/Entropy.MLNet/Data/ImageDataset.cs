namespace Entropy.MLNet.Data;

/// <summary>
/// An in-memory image dataset: float pixels in [0, 1] stored row-major as N × C × H × W, integer labels and class names.
/// Every loader (IDX, CIFAR-10, white noise, image folders) produces one of these; the probe, the ground-truth trainer
/// and the ML.NET view read it.
/// </summary>
public sealed class ImageDataset
{
    private readonly float[] _pixels;
    private readonly int[] _labels;

    /// <summary>Creates a dataset, checking that the arrays fit the shape and that every label names a class.</summary>
    /// <param name="name">Dataset name, e.g. <c>mnist</c>.</param>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    /// <param name="source">Where the data came from: a directory, a file, <c>embedded</c> or <c>generated</c>.</param>
    /// <param name="channels">Channels per image (1 for grayscale, 3 for RGB).</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="pixels">N·C·H·W pixels in [0, 1]; the dataset keeps this array (no copy).</param>
    /// <param name="labels">N labels in [0, classNames.Count).</param>
    /// <param name="classNames">Class names, index = label.</param>
    public ImageDataset(string name, string split, string source, int channels, int height, int width,
        float[] pixels, int[] labels, IReadOnlyList<string> classNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        long featureSize = (long)channels * height * width;
        if (pixels.LongLength != featureSize * labels.Length)
        {
            throw new ArgumentException(
                $"Dataset '{name}': {pixels.LongLength} pixels do not fit {labels.Length} images of {channels}x{height}x{width}.",
                nameof(pixels));
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
            {
                throw new ArgumentException(
                    $"Dataset '{name}': label {labels[i]} of image {i} is outside 0..{classNames.Count - 1}.", nameof(labels));
            }
        }
        Name = name;
        Split = split;
        Source = source;
        Channels = channels;
        Height = height;
        Width = width;
        _pixels = pixels;
        _labels = labels;
        ClassNames = classNames;
    }

    /// <summary>Dataset name, e.g. <c>mnist</c>, <c>cifar10-gray</c>, <c>noise</c> or <c>folder</c>.</summary>
    public string Name { get; }

    /// <summary>The split: <c>train</c> or <c>test</c>.</summary>
    public string Split { get; }

    /// <summary>Where the data came from (a directory, a file, <c>embedded</c> for the subset shipped in the library, or <c>generated</c>).</summary>
    public string Source { get; }

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Number of values per image, C·H·W: the input width of a fully connected network.</summary>
    public int FeatureSize => Channels * Height * Width;

    /// <summary>Image shape as [C, H, W].</summary>
    public int[] Shape => [Channels, Height, Width];

    /// <summary>Class names, index = label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>All pixels, N·C·H·W, row-major.</summary>
    public ReadOnlySpan<float> Pixels => _pixels;

    /// <summary>All labels.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _pixels.AsSpan(index * FeatureSize, FeatureSize);
    }

    /// <summary>How many images each class has, index = label.</summary>
    public int[] LabelCounts()
    {
        var counts = new int[ClassNames.Count];
        foreach (int label in _labels)
        {
            counts[label]++;
        }
        return counts;
    }

    /// <summary>A new dataset holding the first <paramref name="count"/> images (copied).</summary>
    public ImageDataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"Dataset '{Name}' ({Split}) has only {Count} images.");
        }
        return new ImageDataset(Name, Split, Source, Channels, Height, Width,
            _pixels.AsSpan(0, count * FeatureSize).ToArray(), _labels.AsSpan(0, count).ToArray(), ClassNames);
    }

    /// <summary>A new dataset holding the images at <paramref name="indices"/>, in that order (copied).</summary>
    public ImageDataset Select(ReadOnlySpan<int> indices)
    {
        int d = FeatureSize;
        var pixels = new float[indices.Length * d];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * d, d));
            labels[i] = _labels[indices[i]];
        }
        return new ImageDataset(Name, Split, Source, Channels, Height, Width, pixels, labels, ClassNames);
    }

    /// <summary>
    /// An ML.NET <see cref="Microsoft.ML.IDataView"/> of this dataset (no copy): a key-typed <c>Label</c> column and a
    /// <c>Features</c> vector of C·H·W floats; see <see cref="DatasetDataView"/>.
    /// </summary>
    public DatasetDataView ToDataView() => new(this);

    /// <summary>The same images converted to one channel with the given luminance weights (per channel, summing to 1).</summary>
    public ImageDataset ToGrayscale(ReadOnlySpan<float> weights, string name)
    {
        if (weights.Length != Channels)
        {
            throw new ArgumentException($"Need {Channels} luminance weights, got {weights.Length}.", nameof(weights));
        }
        int plane = Height * Width;
        var gray = new float[Count * plane];
        for (int n = 0; n < Count; n++)
        {
            var src = Image(n);
            var dst = gray.AsSpan(n * plane, plane);
            for (int c = 0; c < Channels; c++)
            {
                float w = weights[c];
                var channel = src.Slice(c * plane, plane);
                for (int p = 0; p < plane; p++)
                {
                    dst[p] += w * channel[p];
                }
            }
            // Weights summing to 1 up to float rounding must not push white above 1.
            for (int p = 0; p < plane; p++)
            {
                dst[p] = Math.Min(1f, dst[p]);
            }
        }
        return new ImageDataset(name, Split, Source, 1, Height, Width, gray, _labels.ToArray(), ClassNames);
    }
}
