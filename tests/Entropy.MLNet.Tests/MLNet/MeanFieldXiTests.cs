using Entropy.MLNet.MLNet;

namespace Entropy.MLNet.Tests.MLNet;

[TestClass]
public sealed class MeanFieldXiTests
{
    // Reference values (tanh, σ_b² = 0.05) from the research notes' mean-field tables (paper.md §4.6, §5.A).
    [TestMethod]
    [DataRow(1.0, 3.627)]
    [DataRow(3.0, 9.051)]
    [DataRow(4.0, 6.980)]
    public void XiC_Tanh_MatchesReferenceValues(double sigmaW2, double expected)
    {
        Assert.AreEqual(expected, MeanFieldXi.XiC(sigmaW2, 0.05, "tanh"), 2e-3);
    }

    [TestMethod]
    public void XiC_NoBias_OrderedPhaseIsMinusOneOverLogSigmaW2()
    {
        // With σ_b² = 0, q* = 0 in the ordered phase, so χ_1 = σ_w² and ξ_c = −1/ln σ_w² exactly.
        Assert.AreEqual(-1 / Math.Log(0.5), MeanFieldXi.XiC(0.5, 0, "tanh"), 1e-6);
    }

    [TestMethod]
    public void XiC_PeaksNearTheCriticalLine()
    {
        double ordered = MeanFieldXi.XiC(1.0, 0.05, "tanh");
        double nearCritical = MeanFieldXi.XiC(1.7, 0.05, "tanh");
        double chaotic = MeanFieldXi.XiC(4.0, 0.05, "tanh");

        Assert.IsGreaterThan(ordered, nearCritical);
        Assert.IsGreaterThan(chaotic, nearCritical);
    }

    [TestMethod]
    public void XiC_OtherActivation_IsNaN()
    {
        Assert.IsTrue(double.IsNaN(MeanFieldXi.XiC(1.0, 0.05, "relu")));
    }
}
