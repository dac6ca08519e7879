using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;

namespace Entropy.MLNet.Tests.Probe;

/// <summary>The embedded MNIST subset, loaded once, and small probe settings that run in well under a second.</summary>
internal static class TestData
{
    // At most the embedded subset's size, so that tests take the same time when a full copy is configured.
    private static readonly Lazy<ImageDataset> LazyTrain = new(() => AtMost(DatasetCatalog.Load("mnist", "train"), 5000));
    private static readonly Lazy<ImageDataset> LazyTest = new(() => AtMost(DatasetCatalog.Load("mnist", "test"), 1000));

    public static ImageDataset Train => LazyTrain.Value;

    public static ImageDataset Test => LazyTest.Value;

    /// <summary>A tiny probe: width 32, depth 6, 512 training images, 1 thread (fast and deterministic on a busy 2-core box).</summary>
    public static ProbeOptions Small(double sigmaW2 = 1.0, int seed = 7) => new()
    {
        SigmaW2 = sigmaW2,
        Depth = 6,
        Width = NetworkWidth.Fixed(32),
        TrainSamples = 512,
        EntropySamples = 20,
        ReconstructionImages = 3,
        Seed = seed,
        Threads = 1,
        Device = Entropy.MLNet.Runtime.DeviceKind.Cpu,
    };

    private static ImageDataset AtMost(ImageDataset data, int count) => data.Count > count ? data.Take(count) : data;
}
