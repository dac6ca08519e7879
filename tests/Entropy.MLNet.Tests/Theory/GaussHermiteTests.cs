using Entropy.MLNet.Theory;

namespace Entropy.MLNet.Tests.Theory;

[TestClass]
public sealed class GaussHermiteTests
{
    [TestMethod]
    public void Expect_NormalMoments_MatchExactValuesTo1e12()
    {
        var rule = GaussHermite.Get(100);
        Assert.AreEqual(1.0, rule.Expect(_ => 1.0), 1e-14);
        Assert.AreEqual(0.0, rule.Expect(z => z), 1e-14);
        Assert.AreEqual(1.0, rule.Expect(z => z * z), 1e-12);
        Assert.AreEqual(3.0, rule.Expect(z => z * z * z * z), 1e-12);
        Assert.AreEqual(15.0, rule.Expect(z => Math.Pow(z, 6)), 1e-11);
    }

    [TestMethod]
    public void Get_100Nodes_WeightsSumToSqrtPiAndNodesAreSymmetricRootsOfH100()
    {
        var rule = GaussHermite.Get(100);
        Assert.AreEqual(100, rule.Count);
        double sum = 0;
        for (int i = 0; i < rule.Count; i++)
        {
            sum += rule.Weights[i];
            Assert.AreEqual(-rule.Nodes[rule.Count - 1 - i], rule.Nodes[i], 0.0);
            Assert.IsTrue(rule.Weights[i] > 0);
            if (i > 0)
            {
                Assert.IsTrue(rule.Nodes[i] < rule.Nodes[i - 1], "nodes descend");
            }
        }
        Assert.AreEqual(Math.Sqrt(Math.PI), sum, 1e-13);
        // Largest root of H_100 (tabulated value 13.4064873381449).
        Assert.AreEqual(13.4064873381449, rule.Nodes[0], 1e-10);
    }

    [TestMethod]
    public void Get_OddCount_HasAZeroNodeAndIntegratesPolynomialsExactly()
    {
        var rule = GaussHermite.Get(7);
        Assert.AreEqual(0.0, rule.Nodes[3]);
        // A 7-point rule is exact up to degree 13: E[z^12] = 11!! = 10395.
        Assert.AreEqual(10395.0, rule.Expect(z => Math.Pow(z, 12)), 1e-8);
    }

    [TestMethod]
    public void Get_SameCount_ReturnsTheCachedRule()
    {
        Assert.AreSame(GaussHermite.Get(120), GaussHermite.Get(120));
    }

    [TestMethod]
    public void Get_CountOutOfRange_Throws()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GaussHermite.Get(1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GaussHermite.Get(100_000));
    }

    [TestMethod]
    public void Expect2_CorrelatedProduct_GivesTheCorrelation()
    {
        var rule = GaussHermite.Get(100);
        const double c = 0.3;
        double s = Math.Sqrt(1 - c * c);
        Assert.AreEqual(c, rule.Expect2((z1, z2) => z1 * (c * z1 + s * z2)), 1e-12);
        // E[z1² z2²] = 1 for independent normals.
        Assert.AreEqual(1.0, rule.Expect2((z1, z2) => z1 * z1 * z2 * z2), 1e-12);
    }

    [TestMethod]
    public void Expect_Tanh2_AgreesAcrossNodeCounts()
    {
        double a = GaussHermite.Get(100).Expect(z => Math.Pow(Math.Tanh(1.2 * z), 2));
        double b = GaussHermite.Get(160).Expect(z => Math.Pow(Math.Tanh(1.2 * z), 2));
        Assert.AreEqual(a, b, 1e-9);
    }
}
