namespace Entropy.MLNet.Data;

/// <summary>
/// Resolves a dataset name (<c>mnist</c>, <c>fashion-mnist</c>, ...) to an <see cref="ImageDataset"/>: an explicit data
/// directory first, then <c>$ENTROPY_MLNET_DATA</c>, then the per-user cache, and for <c>mnist</c> finally the small
/// subset embedded in the library (5,000 training and 1,000 test images), so that a fresh clone works offline.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>Environment variable naming the data directory.</summary>
    public const string DataDirVariable = "ENTROPY_MLNET_DATA";

    /// <summary>The <see cref="ImageDataset.Source"/> of the subset embedded in the library.</summary>
    public const string EmbeddedSource = "embedded";

    private static readonly string[] DigitNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>The per-user cache directory (downloads land here).</summary>
    public static string CacheDirectory => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "entropy-mlnet");

    /// <summary>Loads a dataset split.</summary>
    /// <param name="dataset">Dataset name.</param>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    /// <param name="dataDir">Explicit data directory, or null to use the environment variable, the cache or the embedded subset.</param>
    public static ImageDataset Load(string dataset, string split = "train", string? dataDir = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        if (split is not ("train" or "test"))
        {
            throw new ArgumentException($"Unknown split '{split}': use train or test.", nameof(split));
        }
        string name = dataset.Trim().ToLowerInvariant();
        return name switch
        {
            "mnist" => LoadIdx("mnist", split, dataDir, DigitNames),
            _ => throw new ArgumentException($"Unknown dataset '{dataset}'.", nameof(dataset)),
        };
    }

    private static ImageDataset LoadIdx(string name, string split, string? dataDir, IReadOnlyList<string> classes)
    {
        string prefix = split == "train" ? "train" : "t10k";
        string? dir = FindDatasetDirectory(name, dataDir, $"{prefix}-images-idx3-ubyte");
        if (dir is null)
        {
            if (name == "mnist")
            {
                return LoadEmbeddedMnist(split, classes);
            }
            throw new DirectoryNotFoundException($"Dataset '{name}' not found: pass --data-dir, set {DataDirVariable}, or download it into {CacheDirectory}.");
        }
        string images = FindFile(dir, $"{prefix}-images-idx3-ubyte");
        string labels = FindFile(dir, $"{prefix}-labels-idx1-ubyte");
        return FromIdx(name, split, dir, IdxReader.ReadImages(images), IdxReader.ReadLabels(labels), images, labels, classes);
    }

    private static ImageDataset LoadEmbeddedMnist(string split, IReadOnlyList<string> classes)
    {
        string prefix = split == "train" ? "train" : "t10k";
        string images = ExtractEmbedded($"{prefix}-images-idx3-ubyte.gz");
        string labels = ExtractEmbedded($"{prefix}-labels-idx1-ubyte.gz");
        return FromIdx("mnist", split, EmbeddedSource, IdxReader.ReadImages(images), IdxReader.ReadLabels(labels), images, labels, classes);
    }

    internal static ImageDataset FromIdx(string name, string split, string source,
        (int Count, int Rows, int Columns, byte[] Pixels) images, byte[] labels, string imagesPath, string labelsPath,
        IReadOnlyList<string> classes)
    {
        if (images.Count != labels.Length)
        {
            throw new InvalidDataException($"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Length} labels.");
        }
        var ys = new int[labels.Length];
        for (int i = 0; i < ys.Length; i++)
        {
            if (labels[i] >= classes.Count)
            {
                throw new InvalidDataException($"{labelsPath}: label {labels[i]} at index {i} is outside 0..{classes.Count - 1}.");
            }
            ys[i] = labels[i];
        }
        var pixels = new float[images.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = images.Pixels[i] / 255f;
        }
        return new ImageDataset(name, split, source, 1, images.Rows, images.Columns, pixels, ys, classes);
    }

    /// <summary>The directory holding <paramref name="name"/>'s files, or null when no configured location has them.</summary>
    internal static string? FindDatasetDirectory(string name, string? dataDir, string probeFile)
    {
        if (dataDir is not null)
        {
            if (!Directory.Exists(dataDir))
            {
                throw new DirectoryNotFoundException($"Data directory '{dataDir}' does not exist.");
            }
            return FirstHolding(probeFile, Path.Combine(dataDir, name), dataDir)
                ?? throw new FileNotFoundException($"Data directory '{dataDir}' holds no {name} files ({probeFile}[.gz] in {Path.Combine(dataDir, name)} or {dataDir}).");
        }
        string? env = Environment.GetEnvironmentVariable(DataDirVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            return FindDatasetDirectory(name, env, probeFile);
        }
        return FirstHolding(probeFile, Path.Combine(CacheDirectory, name));
    }

    private static string? FirstHolding(string probeFile, params string[] dirs) =>
        dirs.FirstOrDefault(d => File.Exists(Path.Combine(d, probeFile)) || File.Exists(Path.Combine(d, probeFile + ".gz")));

    private static string FindFile(string dir, string baseName)
    {
        string gz = Path.Combine(dir, baseName + ".gz");
        string raw = Path.Combine(dir, baseName);
        return File.Exists(gz) ? gz : File.Exists(raw) ? raw
            : throw new FileNotFoundException($"{dir}: missing {baseName}[.gz].", raw);
    }

    private static string ExtractEmbedded(string fileName)
    {
        // IdxReader reads files; the embedded resources are copied once per process to a temp directory.
        string dir = Path.Combine(Path.GetTempPath(), "entropy-mlnet-embedded-" + typeof(DatasetCatalog).Assembly.ManifestModule.ModuleVersionId.ToString("N"));
        string path = Path.Combine(dir, fileName);
        if (File.Exists(path))
        {
            return path;
        }
        Directory.CreateDirectory(dir);
        using var resource = typeof(DatasetCatalog).Assembly.GetManifestResourceStream("Entropy.MLNet.Data.Embedded." + fileName)
            ?? throw new InvalidOperationException($"Embedded resource {fileName} is missing from the library.");
        string temp = path + "." + Environment.ProcessId + ".tmp";
        using (var file = File.Create(temp))
        {
            resource.CopyTo(file);
        }
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
