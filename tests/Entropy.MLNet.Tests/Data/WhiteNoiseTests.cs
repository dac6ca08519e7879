#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Data;

namespace Entropy.MLNet.Tests.Data;

[TestClass]
public sealed class WhiteNoiseTests
{
    [TestMethod]
    public void Generate_SameSeed_GivesIdenticalData()
    {
        var a = WhiteNoise.Generate(new ImageShape(1, 28, 28), 50, 10, seed: 5);
        var b = WhiteNoise.Generate(new ImageShape(1, 28, 28), 50, 10, seed: 5);

        CollectionAssert.AreEqual(a.Pixels.ToArray(), b.Pixels.ToArray());
        CollectionAssert.AreEqual(a.Labels.ToArray(), b.Labels.ToArray());
    }

    [TestMethod]
    public void Generate_OtherSeedOrSplit_GivesOtherData()
    {
        var a = WhiteNoise.Generate(new ImageShape(1, 8, 8), 10, 10, seed: 5);
        var b = WhiteNoise.Generate(new ImageShape(1, 8, 8), 10, 10, seed: 6);
        var c = WhiteNoise.Generate(new ImageShape(1, 8, 8), 10, 10, seed: 5, split: "test");

        Assert.AreNotEqual(a.Pixels[0], b.Pixels[0]);
        Assert.AreNotEqual(a.Pixels[0], c.Pixels[0]);
        Assert.IsFalse(a.Pixels.SequenceEqual(c.Pixels));
    }

    [TestMethod]
    public void Generate_Pixels_AreUniformOnTheUnitInterval()
    {
        var data = WhiteNoise.Generate(new ImageShape(3, 16, 16), 200, 10, seed: 1);
        var pixels = data.Pixels;
        double sum = 0, sumSq = 0;
        int below = 0;
        foreach (float p in pixels)
        {
            Assert.IsTrue(p is >= 0f and < 1f, $"pixel {p} outside [0, 1)");
            sum += p;
            sumSq += p * p;
            below += p < 0.25f ? 1 : 0;
        }
        int n = pixels.Length;
        double mean = sum / n;
        // U(0,1): mean 1/2, variance 1/12, P(x < 1/4) = 1/4; n = 153,600 gives tolerances of several sigma.
        Assert.AreEqual(0.5, mean, 0.005);
        Assert.AreEqual(1.0 / 12, sumSq / n - mean * mean, 0.002);
        Assert.AreEqual(0.25, (double)below / n, 0.006);
    }

    [TestMethod]
    public void Generate_Labels_CoverEveryClassRoughlyEvenly()
    {
        var data = WhiteNoise.Generate(new ImageShape(1, 2, 2), 10_000, 10, seed: 9);

        var counts = data.LabelCounts();

        Assert.AreEqual(10, counts.Length);
        foreach (int c in counts)
        {
            Assert.IsTrue(c is > 880 and < 1120, $"class count {c} is not near 1,000");
        }
        CollectionAssert.AreEqual(new[] { 1, 2, 2 }, data.Shape);
        Assert.AreEqual(DatasetCatalog.GeneratedSource, data.Source);
    }

    [TestMethod]
    public void Generate_BadArguments_Throw()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => WhiteNoise.Generate(new ImageShape(1, 2, 2), -1, 10, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => WhiteNoise.Generate(new ImageShape(1, 2, 2), 1, 0, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => WhiteNoise.Generate(new ImageShape(3, 4096, 4096), 100_000, 10, 0));
    }
}
