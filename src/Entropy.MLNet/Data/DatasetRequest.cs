namespace Entropy.MLNet.Data;

/// <summary>
/// Everything <see cref="DatasetCatalog.Load(DatasetRequest)"/> needs to produce a dataset split. Only
/// <see cref="Name"/> is required; the other properties have defaults that suit MNIST-sized experiments.
/// </summary>
public sealed record DatasetRequest
{
    /// <summary>Creates a request for the dataset <paramref name="name"/>.</summary>
    /// <param name="name">
    /// <c>mnist</c>, <c>fashion-mnist</c>, <c>cifar10</c>, <c>cifar10-gray</c>, <c>noise</c> or <c>folder:PATH</c>
    /// (case-insensitive, except for the path).
    /// </param>
    public DatasetRequest(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The dataset name (see the constructor).</summary>
    public string Name { get; init; }

    /// <summary>The split, <c>train</c> (default) or <c>test</c>.</summary>
    public string Split { get; init; } = "train";

    /// <summary>
    /// The data directory holding <c>mnist/</c>, <c>fashion-mnist/</c>, <c>cifar10/</c> (or the files themselves).
    /// Null (default): <c>$ENTROPY_MLNET_DATA</c>, else the per-user cache, else (MNIST only) the embedded subset.
    /// </summary>
    public string? DataDir { get; init; }

    /// <summary>Image folders only: convert to one channel with the ITU-R BT.601 luma weights (default false: RGB).</summary>
    public bool Grayscale { get; init; }

    /// <summary>
    /// Image folders only: resize every image to this size. Null (default): every image must have the size of the first
    /// one (in ordinal path order); mixed sizes are an error.
    /// </summary>
    public ImageSize? ImageSize { get; init; }

    /// <summary>
    /// IDX datasets only (<c>mnist</c>, <c>fashion-mnist</c> from files): given the number of images the split's header
    /// announces, the ascending indices of the images to load; the others are never held in memory, and the file is read
    /// only up to the last one. Null (default): every image. Other sources ignore it and load the whole split, so pass
    /// the same subset a consumer would pick from the whole split (as <c>entropy probe --train-samples</c> does).
    /// </summary>
    public Func<int, int[]>? Subset { get; init; }

    /// <summary>
    /// Memory budget in bytes for the images loaded from IDX files and image folders, checked from their headers before
    /// the data is read. Null (default): the lower of the available memory and the cgroup limit.
    /// </summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>White noise only: the image shape (default 1×28×28, MNIST's).</summary>
    public ImageShape NoiseShape { get; init; } = new(1, 28, 28);

    /// <summary>White noise only: number of images; null (default) gives 10,000 for train and 1,000 for test.</summary>
    public int? NoiseCount { get; init; }

    /// <summary>White noise only: number of classes the random labels are drawn from (default 10, like the digit datasets).</summary>
    public int NoiseClasses { get; init; } = 10;

    /// <summary>White noise only: the seed (default 42); train and test draw from different streams of the same seed.</summary>
    public int Seed { get; init; } = 42;
}
