namespace Entropy.MLNet.Data;

/// <summary>
/// Reads the CIFAR-10 "binary version": files of 3,073-byte records (one label byte, then 1,024 R, 1,024 G and 1,024 B
/// bytes, each plane 32×32 row-major), raw or gzip. Training is <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>
/// (every batch present is loaded, in order), test is <c>test_batch.bin</c>; class names come from
/// <c>batches.meta.txt</c> when present.
/// </summary>
public static class Cifar10Reader
{
    /// <summary>Image side in pixels.</summary>
    public const int Side = 32;

    /// <summary>Bytes per record: the label and 3·32·32 pixels.</summary>
    public const int RecordSize = 1 + 3 * Side * Side;

    /// <summary>The standard CIFAR-10 class names, index = label.</summary>
    public static IReadOnlyList<string> StandardClasses { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>The batch file names of a split, without <c>.bin</c>/<c>.bin.gz</c>.</summary>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    public static IReadOnlyList<string> BatchNames(string split) => split == "test"
        ? ["test_batch"]
        : ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5"];

    /// <summary>The batch files of <paramref name="split"/> present in <paramref name="directory"/>, in order (<c>.bin.gz</c> preferred).</summary>
    public static IReadOnlyList<string> FindBatches(string directory, string split) =>
        [.. BatchNames(split)
            .Select(b => Path.Combine(directory, b + ".bin.gz") is var gz && File.Exists(gz) ? gz
                : Path.Combine(directory, b + ".bin") is var raw && File.Exists(raw) ? raw : null)
            .OfType<string>()];

    /// <summary>Loads a split from <paramref name="directory"/>.</summary>
    /// <param name="directory">Folder holding the batch files.</param>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    /// <param name="grayscale">Convert to one channel with <see cref="Luminance.Rec601"/> (0.299 R + 0.587 G + 0.114 B).</param>
    /// <param name="name">Dataset name to record, e.g. <c>cifar10</c> or <c>cifar10-gray</c>.</param>
    /// <exception cref="FileNotFoundException">No batch file of the split is present.</exception>
    /// <exception cref="InvalidDataException">A batch is truncated, corrupt or holds a label outside the classes.</exception>
    public static ImageDataset Load(string directory, string split, bool grayscale, string name)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var files = FindBatches(directory, split);
        if (files.Count == 0)
        {
            throw new FileNotFoundException(
                $"{directory}: no CIFAR-10 {split} batches ({string.Join(", ", BatchNames(split).Select(b => b + ".bin[.gz]"))}).");
        }
        var classes = ReadClassNames(Path.Combine(directory, "batches.meta.txt"));
        var batches = files.Select(f => ReadBatch(f, classes.Count)).ToList();
        int count = batches.Sum(b => b.Labels.Length);
        int channels = grayscale ? 1 : 3;
        int featureSize = channels * Side * Side;
        var pixels = new float[(long)count * featureSize];
        var labels = new int[count];
        int offset = 0;
        foreach (var (records, batchLabels) in batches)
        {
            Convert(records, grayscale, pixels.AsSpan(offset * featureSize, batchLabels.Length * featureSize));
            batchLabels.CopyTo(labels, offset);
            offset += batchLabels.Length;
        }
        return new ImageDataset(name, split, directory, channels, Side, Side, pixels, labels, classes);
    }

    /// <summary>Reads one batch file; returns the raw records and their labels, checked against <paramref name="classCount"/>.</summary>
    /// <param name="path">A <c>.bin</c> or <c>.bin.gz</c> file.</param>
    /// <param name="classCount">Number of classes; a label at or above it is an error.</param>
    public static (byte[] Records, int[] Labels) ReadBatch(string path, int classCount)
    {
        byte[] records;
        using (var stream = DataStreams.OpenFile(path))
        {
            records = DataStreams.ReadToEnd(stream, path, (long)RecordSize * 100_000);
        }
        if (records.Length == 0 || records.Length % RecordSize != 0)
        {
            throw new InvalidDataException(
                $"{path}: {records.Length} bytes is not a whole number of {RecordSize}-byte CIFAR-10 records (truncated or not a CIFAR-10 binary batch).");
        }
        var labels = new int[records.Length / RecordSize];
        for (int i = 0; i < labels.Length; i++)
        {
            int label = records[i * RecordSize];
            if (label >= classCount)
            {
                throw new InvalidDataException($"{path}: label {label} of record {i} is outside 0..{classCount - 1}.");
            }
            labels[i] = label;
        }
        return (records, labels);
    }

    /// <summary>Class names from <c>batches.meta.txt</c> (one per line, blank lines ignored), else <see cref="StandardClasses"/>.</summary>
    public static IReadOnlyList<string> ReadClassNames(string metaPath)
    {
        if (!File.Exists(metaPath))
        {
            return StandardClasses;
        }
        var names = File.ReadAllLines(metaPath).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length is 0 or > 256)
        {
            throw new InvalidDataException($"{metaPath}: expected one class name per line (1 to 256 names), found {names.Length}.");
        }
        return names;
    }

    /// <summary>Records → planar float pixels in [0, 1], optionally to luma; one pass over the bytes.</summary>
    private static void Convert(byte[] records, bool grayscale, Span<float> destination)
    {
        var unit = DataStreams.UnitScale;
        const int plane = Side * Side;
        int n = records.Length / RecordSize;
        if (!grayscale)
        {
            for (int i = 0; i < n; i++)
            {
                var src = records.AsSpan(i * RecordSize + 1, 3 * plane);
                var dst = destination.Slice(i * 3 * plane, 3 * plane);
                for (int p = 0; p < src.Length; p++)
                {
                    dst[p] = unit[src[p]];
                }
            }
            return;
        }
        var w = Luminance.Rec601;
        float wr = w[0] / 255f, wg = w[1] / 255f, wb = w[2] / 255f;
        for (int i = 0; i < n; i++)
        {
            var r = records.AsSpan(i * RecordSize + 1, plane);
            var g = records.AsSpan(i * RecordSize + 1 + plane, plane);
            var b = records.AsSpan(i * RecordSize + 1 + 2 * plane, plane);
            var dst = destination.Slice(i * plane, plane);
            for (int p = 0; p < plane; p++)
            {
                // The weights sum to 1 only up to float rounding: keep white at exactly 1.
                dst[p] = Math.Min(1f, wr * r[p] + wg * g[p] + wb * b[p]);
            }
        }
    }
}
