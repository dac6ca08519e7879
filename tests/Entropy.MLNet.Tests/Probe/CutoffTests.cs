using Entropy.MLNet.Probe;

namespace Entropy.MLNet.Tests.Probe;

[TestClass]
public sealed class CutoffTests
{
    [TestMethod]
    public void Find_PaperExample_ReturnsIndexOf12()
    {
        double[] curve = [1.9, 1.5, 1.2, 1.004, 1.0];
        Assert.AreEqual(2, Cutoff.Find(curve, 0.005));
    }

    [TestMethod]
    public void Find_FlatCurve_ReturnsLength()
    {
        double[] curve = [1.0, 1.0, 1.0, 1.0];
        Assert.AreEqual(4, Cutoff.Find(curve));
    }

    [TestMethod]
    public void Find_LateBump_ReturnsDeepestDifferingIndex()
    {
        // A point after a flat stretch that leaves the band makes the cutoff deeper (the deepest index wins).
        double[] curve = [2.0, 1.0, 1.0, 1.02, 1.0, 1.0];
        Assert.AreEqual(3, Cutoff.Find(curve));
    }

    [TestMethod]
    public void Find_FloatOverload_AgreesWithDouble()
    {
        float[] curve = [3f, 2f, 1.2f, 1.004f, 1f];
        Assert.AreEqual(2, Cutoff.Find(curve));
    }

    [TestMethod]
    public void Find_Empty_Throws() => Assert.ThrowsExactly<ArgumentException>(() => Cutoff.Find(ReadOnlySpan<double>.Empty));

    [TestMethod]
    public void FromSamples_DividesByLastValueThenTakesMedian()
    {
        // Raw medians would differ wildly in scale; after division by each last value the curves are
        // [2, 1.2, 1.001, 1], [3, 1.3, 1.002, 1], [1.5, 1.1, 1.5, 1] → medians [2, 1.2, 1.002, 1] → cutoff 1.
        float[][] samples =
        [
            [4f, 2.4f, 2.002f, 2f],
            [30f, 13f, 10.02f, 10f],
            [0.15f, 0.11f, 0.15f, 0.1f],
        ];
        double[] median = Cutoff.NormalizedMedian(samples);
        Assert.AreEqual(2.0, median[0], 1e-6);
        Assert.AreEqual(1.2, median[1], 1e-6);
        Assert.AreEqual(1.002, median[2], 1e-6);
        Assert.AreEqual(1.0, median[3], 1e-12);
        Assert.AreEqual(1, Cutoff.FromSamples(samples));
        Assert.AreEqual(2, Cutoff.FromSamples(samples, rtol: 0.001));
    }

    [TestMethod]
    public void Median_EvenCount_AveragesTheMiddleTwo()
    {
        float[][] samples = [[1f], [2f], [3f], [10f]];
        Assert.AreEqual(2.5, Cutoff.Median(samples)[0], 1e-12);
    }

    [TestMethod]
    public void FromSamples_RaggedCurves_Throws()
    {
        float[][] samples = [[1f, 2f], [1f]];
        Assert.ThrowsExactly<ArgumentException>(() => Cutoff.FromSamples(samples));
    }

    [TestMethod]
    public void Differential_DropsTwoPointsAtEachEnd()
    {
        // Changes only inside the two points at either end: after trimming the curve is flat → the differenced length.
        double[] endsOnly = [5, 4, 1, 1, 1, 1, 1, 0, -3];
        Assert.AreEqual(endsOnly.Length - 5, Cutoff.Differential(endsOnly));
        // A step from trimmed index 2 to 3 (curve index 4 to 5) is reported as 2, i.e. shifted by the 2 dropped points.
        double[] step = [9, 9, 3, 3, 3, 2, 2, 2, 2, 9];
        Assert.AreEqual(2, Cutoff.Differential(step));
    }

    [TestMethod]
    public void Differential_TooShort_Throws()
        => Assert.ThrowsExactly<ArgumentException>(() => Cutoff.Differential([1.0, 2, 3, 4, 5]));
}
