using Entropy.MLNet.Benchmarks;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Tests.Probe;

namespace Entropy.MLNet.Tests.Benchmarks;

[TestClass]
public sealed class ProbeBenchmarkTests
{
    [TestMethod]
    public void CascadeGflop_WideDepth10On60000_ThreeProductsPerLayer()
    {
        int[] sizes = NetworkWidth.Wide.LayerSizes(784, 10, 10);
        double perImage = 6.0 * ((8.0 * 784 * 784) + (784 * 400) + (400 * 10));
        Assert.AreEqual(perImage * 60_000 / 1e9, ProbeBenchmark.CascadeGflop(sizes, 60_000), 1e-6);
    }

    [TestMethod]
    public void Repeat_Twelve_SixtyThousandImagesInOrder()
    {
        var small = TestData.Train.Take(10);
        var repeated = ProbeBenchmark.Repeat(small, 3);
        Assert.AreEqual(30, repeated.Count);
        Assert.IsTrue(repeated.Image(23).SequenceEqual(small.Image(3)));
        Assert.AreEqual(small.Labels[3], repeated.Labels[23]);
        StringAssert.Contains(repeated.Source, "×3");
    }
}
