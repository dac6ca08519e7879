namespace Entropy.MLNet.Data;

/// <summary>
/// Resolves a dataset name to an <see cref="ImageDataset"/>. Names (case-insensitive): <c>mnist</c>,
/// <c>fashion-mnist</c>, <c>cifar10</c>, <c>cifar10-gray</c>, <c>noise</c> and <c>folder:PATH</c>.
/// </summary>
/// <remarks>
/// The files of <c>mnist</c>, <c>fashion-mnist</c> and <c>cifar10</c> (which <c>cifar10-gray</c> also reads) are
/// looked for in the first of: an explicit data directory, <c>$ENTROPY_MLNET_DATA</c>, the per-user
/// <see cref="CacheDirectory"/>. In a data directory both <c>DIR/&lt;dataset&gt;/files</c> and <c>DIR/files</c> are
/// accepted. When none of the three is given, set or holds the files, <c>mnist</c> falls back to the small subset
/// embedded in the library (the first 500 training and 100 test images of every digit, in the official order: 5,000 and
/// 1,000 images), whose <see cref="ImageDataset.Source"/> is <see cref="EmbeddedSource"/>; every other source is the
/// directory the files came from.
/// </remarks>
public static class DatasetCatalog
{
    /// <summary>Environment variable naming the data directory.</summary>
    public const string DataDirVariable = "ENTROPY_MLNET_DATA";

    /// <summary>The <see cref="ImageDataset.Source"/> of the subset embedded in the library.</summary>
    public const string EmbeddedSource = "embedded";

    /// <summary>The <see cref="ImageDataset.Source"/> of generated data (white noise).</summary>
    public const string GeneratedSource = "generated";

    /// <summary>Prefix of an image-folder dataset name, <c>folder:PATH</c>.</summary>
    public const string FolderPrefix = "folder:";

    /// <summary>The dataset names accepted by <see cref="Load(DatasetRequest)"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mnist", "fashion-mnist", "cifar10", "cifar10-gray", "noise", "folder:PATH"];

    /// <summary>MNIST's class names, the digits 0 to 9.</summary>
    public static IReadOnlyList<string> DigitClasses { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Fashion-MNIST's class names, index = label.</summary>
    public static IReadOnlyList<string> FashionMnistClasses { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The per-user cache directory (<c>--download</c> writes here unless a data directory is given).</summary>
    public static string CacheDirectory => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "entropy-mlnet");

    /// <summary>Loads a dataset split.</summary>
    /// <param name="dataset">Dataset name (see <see cref="Names"/>).</param>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    /// <param name="dataDir">Explicit data directory, or null to use the environment variable, the cache or the embedded subset.</param>
    public static ImageDataset Load(string dataset, string split = "train", string? dataDir = null) =>
        Load(new DatasetRequest(dataset) { Split = split, DataDir = dataDir });

    /// <summary>Loads a dataset split as described by <paramref name="request"/>.</summary>
    /// <exception cref="ArgumentException">Unknown dataset or split.</exception>
    /// <exception cref="DirectoryNotFoundException">The data directory or image folder does not exist, or no location holds the dataset.</exception>
    /// <exception cref="FileNotFoundException">The data directory lacks the dataset's files.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, truncated or inconsistent (the message names it).</exception>
    public static ImageDataset Load(DatasetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string split = request.Split;
        if (split is not ("train" or "test"))
        {
            throw new ArgumentException($"Unknown split '{split}': use train or test.", nameof(request));
        }
        string name = request.Name.Trim();
        if (name.StartsWith(FolderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            string path = name[FolderPrefix.Length..];
            if (path.Length == 0)
            {
                throw new ArgumentException("Dataset 'folder:' needs a path, e.g. folder:./images.", nameof(request));
            }
            return ImageFolderLoader.Load(path, split, request.Grayscale, request.ImageSize, request.MaxMemoryBytes);
        }
        return name.ToLowerInvariant() switch
        {
            "mnist" => LoadIdx("mnist", split, request.DataDir, DigitClasses, request.Subset, request.MaxMemoryBytes),
            "fashion-mnist" => LoadIdx("fashion-mnist", split, request.DataDir, FashionMnistClasses, request.Subset, request.MaxMemoryBytes),
            "cifar10" => LoadCifar("cifar10", split, request.DataDir, grayscale: false),
            "cifar10-gray" => LoadCifar("cifar10-gray", split, request.DataDir, grayscale: true),
            "noise" => WhiteNoise.Generate(request.NoiseShape,
                request.NoiseCount ?? (split == "train" ? WhiteNoise.DefaultTrainCount : WhiteNoise.DefaultTestCount),
                request.NoiseClasses, request.Seed, split),
            _ => throw new ArgumentException(
                $"Unknown dataset '{request.Name}': use one of {string.Join(", ", Names)}.", nameof(request)),
        };
    }

    /// <summary>IDX file names of a split: images and labels, without <c>.gz</c>.</summary>
    internal static (string Images, string Labels) IdxFiles(string split)
    {
        string prefix = split == "train" ? "train" : "t10k";
        return ($"{prefix}-images-idx3-ubyte", $"{prefix}-labels-idx1-ubyte");
    }

    private static ImageDataset LoadIdx(string name, string split, string? dataDir, IReadOnlyList<string> classes, Func<int, int[]>? subset, long? maxMemoryBytes)
    {
        var (imagesName, labelsName) = IdxFiles(split);
        string? dir = FindDatasetDirectory(name, dataDir, Environment.GetEnvironmentVariable(DataDirVariable), CacheDirectory,
            d => File.Exists(Path.Combine(d, imagesName)) || File.Exists(Path.Combine(d, imagesName + ".gz")), $"{imagesName}[.gz]");
        if (dir is null)
        {
            if (name == "mnist")
            {
                return LoadEmbeddedMnist(split);
            }
            throw NotFound(name);
        }
        string images = FindFile(dir, imagesName);
        string labels = FindFile(dir, labelsName);
        if (subset is null)
        {
            return FromIdx(name, split, dir, IdxReader.ReadImages(images, null, maxMemoryBytes), IdxReader.ReadLabels(labels), images, labels, classes);
        }
        int announced = 0;
        int[] chosen = [];
        IdxImages picked = IdxReader.ReadImages(images, count => chosen = subset(announced = count), maxMemoryBytes);
        byte[] allLabels = IdxReader.ReadLabels(labels);
        if (allLabels.Length != announced)
        {
            throw new InvalidDataException(
                $"{images} holds {announced} images but {labels} holds {allLabels.Length} labels; the counts must match.");
        }
        return FromIdx(name, split, dir, picked, [.. chosen.Select(i => allLabels[i])], images, labels, classes);
    }

    private static ImageDataset LoadCifar(string name, string split, string? dataDir, bool grayscale)
    {
        string? dir = FindDatasetDirectory("cifar10", dataDir, Environment.GetEnvironmentVariable(DataDirVariable), CacheDirectory,
            d => Cifar10Reader.FindBatches(d, split).Count > 0, string.Join(" or ", Cifar10Reader.BatchNames(split).Select(b => b + ".bin[.gz]")));
        return dir is null ? throw NotFound(name) : Cifar10Reader.Load(dir, split, grayscale, name);
    }

    private static DirectoryNotFoundException NotFound(string name) => new(
        $"Dataset '{name}' not found: pass --data-dir, set {DataDirVariable}, or put its files into {CacheDirectory}" +
        (DatasetDownloader.Supports(name) ? " (--download fetches them)." : "."));

    /// <summary>The MNIST subset embedded in the library, read straight from the resource streams.</summary>
    internal static ImageDataset LoadEmbeddedMnist(string split)
    {
        var (imagesName, labelsName) = IdxFiles(split);
        var images = ReadEmbedded(imagesName + ".gz", IdxReader.ReadImages);
        var labels = ReadEmbedded(labelsName + ".gz", IdxReader.ReadLabels);
        return FromIdx("mnist", split, EmbeddedSource, images, labels, $"embedded:{imagesName}.gz", $"embedded:{labelsName}.gz", DigitClasses);
    }

    private static T ReadEmbedded<T>(string fileName, Func<Stream, string, T> read)
    {
        using var resource = typeof(DatasetCatalog).Assembly.GetManifestResourceStream("Entropy.MLNet.Data.Embedded." + fileName)
            ?? throw new InvalidOperationException($"Embedded resource {fileName} is missing from the library.");
        return read(resource, "embedded:" + fileName);
    }

    /// <summary>Pairs an images and a labels file into a dataset, checking counts and label range.</summary>
    internal static ImageDataset FromIdx(string name, string split, string source, IdxImages images, byte[] labels,
        string imagesPath, string labelsPath, IReadOnlyList<string> classes)
    {
        if (images.Count != labels.Length)
        {
            throw new InvalidDataException(
                $"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Length} labels; the counts must match.");
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
        return new ImageDataset(name, split, source, 1, images.Rows, images.Columns, DataStreams.ToUnitFloats(images.Pixels), ys, classes);
    }

    /// <summary>
    /// The directory holding a dataset's files: <paramref name="dataDir"/>, else <paramref name="envValue"/>, else the
    /// cache; in the first two both <c>DIR/folder</c> and <c>DIR</c> are tried. Null when nothing is given or set and the
    /// cache lacks the files.
    /// </summary>
    /// <param name="folder">The dataset's folder name, e.g. <c>mnist</c>.</param>
    /// <param name="dataDir">Explicit data directory, or null.</param>
    /// <param name="envValue">Value of <see cref="DataDirVariable"/>, or null.</param>
    /// <param name="cacheDir">The cache directory.</param>
    /// <param name="holds">Whether a directory holds the files.</param>
    /// <param name="what">The files looked for, for error messages.</param>
    /// <exception cref="DirectoryNotFoundException">A given or configured directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">A given or configured directory lacks the files.</exception>
    internal static string? FindDatasetDirectory(string folder, string? dataDir, string? envValue, string cacheDir,
        Func<string, bool> holds, string what)
    {
        if (!string.IsNullOrWhiteSpace(dataDir))
        {
            return InGiven(folder, dataDir, holds, what, "Data directory");
        }
        if (!string.IsNullOrWhiteSpace(envValue))
        {
            return InGiven(folder, envValue, holds, what, $"{DataDirVariable} directory");
        }
        string cached = Path.Combine(cacheDir, folder);
        return Directory.Exists(cached) && holds(cached) ? cached : null;
    }

    private static string InGiven(string folder, string dir, Func<string, bool> holds, string what, string kind)
    {
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"{kind} '{dir}' does not exist.");
        }
        string nested = Path.Combine(dir, folder);
        if (Directory.Exists(nested) && holds(nested))
        {
            return nested;
        }
        return holds(dir) ? dir
            : throw new FileNotFoundException($"{kind} '{dir}' holds no {folder} files: looked for {what} in {nested} and in {dir}.");
    }

    private static string FindFile(string dir, string baseName)
    {
        string gz = Path.Combine(dir, baseName + ".gz");
        string raw = Path.Combine(dir, baseName);
        return File.Exists(gz) ? gz : File.Exists(raw) ? raw
            : throw new FileNotFoundException($"{dir}: missing {baseName}[.gz].", raw);
    }
}
