#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

[TestClass]
public sealed class AgreementTests
{
    [TestMethod]
    public void Ranks_Ties_ShareAverageRank()
    {
        CollectionAssert.AreEqual(new[] { 1.0, 2.5, 2.5, 4.0 }, Agreement.Ranks([10, 20, 20, 30]));
        CollectionAssert.AreEqual(new[] { 3.0, 1.5, 1.5 }, Agreement.Ranks([5, 1, 1]));
        CollectionAssert.AreEqual(new[] { 2.0, 2.0, 2.0 }, Agreement.Ranks([7, 7, 7]));
    }

    [TestMethod]
    public void Spearman_HandComputedWithTies()
    {
        // x ranks [1, 2.5, 2.5, 4], y ranks [1, 2, 4, 3]; means 2.5:
        // Σdx·dy = (−1.5)(−1.5) + 0 + 0 + (1.5)(0.5) = 3; Σdx² = 4.5; Σdy² = 5 → ρ = 3/√22.5.
        double rho = Agreement.Spearman([1, 2, 2, 3], [10, 20, 40, 30]);
        Assert.AreEqual(3 / Math.Sqrt(22.5), rho, 1e-12);
    }

    [TestMethod]
    public void Spearman_PerfectMonotoneAndReversed_PlusMinusOne()
    {
        Assert.AreEqual(1.0, Agreement.Spearman([1, 2, 3, 100], [0.1, 0.2, 5, 6]), 1e-12);
        Assert.AreEqual(-1.0, Agreement.Spearman([1, 2, 3], [3, 2, 1]), 1e-12);
        Assert.IsTrue(double.IsNaN(Agreement.Spearman([1, 1, 1], [1, 2, 3])));
        Assert.IsTrue(double.IsNaN(Agreement.Spearman([1], [1])));
        Assert.ThrowsExactly<ArgumentException>(() => Agreement.Spearman([1, 2], [1]));
    }

    [TestMethod]
    public void Compute_HandComputedCells()
    {
        // Depths 2..5; two configurations.
        // A: predicted 3, actual 4 → cells 2,3: TP; 4: FN; 5: TN.
        // B: predicted 5, actual 2 → 2: TP; 3,4,5: FP.
        var m = Agreement.Compute("probe", [(3.0, 4), (5.0, 2)], [2, 3, 4, 5], maxDepth: 5);

        Assert.AreEqual(8, m.Cells);
        Assert.AreEqual((3, 3, 1, 1), (m.TruePositives, m.FalsePositives, m.FalseNegatives, m.TrueNegatives));
        Assert.AreEqual(4.0 / 8, m.Accuracy, 1e-15);
        Assert.AreEqual(6.0 / (6 + 3 + 1), m.F1, 1e-15);
        Assert.AreEqual(3.0 / (3 + 3 + 1), m.IoU, 1e-15);
        Assert.AreEqual((1 + 3) / 2.0, m.MeanAbsoluteDepthError, 1e-15);
        Assert.AreEqual(-1.0, m.Spearman, 1e-12);
    }

    [TestMethod]
    public void Compute_InfinitePrediction_ClippedToMaxDepth()
    {
        var m = Agreement.Compute("6ξc", [(double.PositiveInfinity, 10), (4.5, 4)], [2, 3, 4, 5, 6, 7, 8, 9, 10], maxDepth: 10);

        Assert.AreEqual(0.25, m.MeanAbsoluteDepthError, 1e-15); // |10 − 10| and |4.5 − 4|
        Assert.AreEqual(1.0, m.Accuracy);
        Assert.AreEqual(1.0, m.F1);
    }

    [TestMethod]
    public void Compute_NothingTrainsAnywhere_PerfectF1AndIoU()
    {
        var m = Agreement.Compute("probe", [(0.0, 0), (1.0, 0)], [2, 3], maxDepth: 3);
        Assert.AreEqual(1.0, m.F1);
        Assert.AreEqual(1.0, m.IoU);
        Assert.AreEqual(1.0, m.Accuracy);
    }

    [TestMethod]
    public void Compute_Records_ProbeAndTheoryOnSameCells()
    {
        SweepRecord Row(double sw, int cutoff, double six, int gt) => new()
        {
            SigmaW2 = sw, SigmaB2 = 0.05, MaxDepth = 6, Cutoff = cutoff, Seed = 1, SixXiC = six, XiC = six / 6, Chi1 = 1, GtMaxTrainableDepth = gt, GtTestAccuracy = 0.5,
        };
        var report = Agreement.Compute([Row(0.5, 2, 7.1, 2), Row(1.5, 4, 94.7, 4), Row(3.0, 3, 54.3, 3), new SweepRecord { SigmaW2 = 4, SigmaB2 = 0.05, MaxDepth = 6, Cutoff = 1, Seed = 1 }]);

        CollectionAssert.AreEqual(new[] { 2, 3, 4 }, report.Depths.ToArray()); // 2..D−2
        Assert.AreEqual(3, report.Probe.Configurations);
        Assert.AreEqual(1.0, report.Probe.Accuracy);
        Assert.AreEqual(0.0, report.Probe.MeanAbsoluteDepthError);
        Assert.IsNotNull(report.Theory);
        // 6ξ_c ≥ 4 everywhere: 9 cells predicted trainable, 6 of them trained.
        Assert.AreEqual((6, 3, 0, 0), (report.Theory.TruePositives, report.Theory.FalsePositives, report.Theory.FalseNegatives, report.Theory.TrueNegatives));
        Assert.ThrowsExactly<InvalidOperationException>(() => Agreement.Compute([new SweepRecord { SigmaW2 = 1, SigmaB2 = 0, MaxDepth = 5, Cutoff = 1, Seed = 1 }]));
    }
}
