using Entropy.MLNet.Theory;

namespace Entropy.MLNet.Tests.Theory;

[TestClass]
public sealed class SpecialFunctionsTests
{
    [TestMethod]
    [DataRow(0.5, 0.5204998778130465)]
    [DataRow(1.0, 0.8427007929497149)]
    [DataRow(2.0, 0.9953222650189527)]
    [DataRow(2.9, 0.9999589021219005)]
    [DataRow(-1.0, -0.8427007929497149)]
    [DataRow(0.0, 0.0)]
    public void Erf_KnownValues_MatchTo1e15(double x, double expected)
    {
        Assert.AreEqual(expected, SpecialFunctions.Erf(x), 2e-15);
    }

    [TestMethod]
    [DataRow(2.5, 0.0004069520174449589)]
    [DataRow(3.0, 2.2090496998585438e-05)]
    [DataRow(5.0, 1.5374597944280351e-12)]
    public void Erfc_LargeArguments_HaveFullRelativeAccuracy(double x, double expected)
    {
        Assert.AreEqual(1.0, SpecialFunctions.Erfc(x) / expected, 1e-13);
        Assert.AreEqual(2.0 - expected, SpecialFunctions.Erfc(-x), 1e-15);
    }

    [TestMethod]
    public void Erf_AroundTheSwitchPoint_IsContinuous()
    {
        Assert.AreEqual(SpecialFunctions.Erf(2.5 - 1e-12), SpecialFunctions.Erf(2.5), 1e-14);
    }

    [TestMethod]
    public void NormalCdf_Symmetric_AndHalfAtZero()
    {
        Assert.AreEqual(0.5, SpecialFunctions.NormalCdf(0), 1e-16);
        Assert.AreEqual(1.0, SpecialFunctions.NormalCdf(1.3) + SpecialFunctions.NormalCdf(-1.3), 1e-15);
        Assert.AreEqual(0.9750021048517795, SpecialFunctions.NormalCdf(1.96), 1e-15);
    }
}
