using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Tests.Networks;

[TestClass]
public sealed class NetworkWidthTests
{
    [TestMethod]
    public void LayerSizes_WideDepth20OnMnist_AuthorsLayout()
    {
        int[] sizes = NetworkWidth.Wide.LayerSizes(784, 10, 20);
        Assert.HasCount(21, sizes);
        Assert.IsTrue(sizes.Take(19).All(n => n == 784));
        Assert.AreEqual(400, sizes[19]);
        Assert.AreEqual(10, sizes[20]);
    }

    [TestMethod]
    public void LayerSizes_ShrinkingDepth150On1024_149LayersFallingLinearly()
    {
        int[] sizes = NetworkWidth.Shrinking.LayerSizes(1024, 10, 150);
        Assert.HasCount(150, sizes);
        Assert.AreEqual(1024, sizes[0]);
        Assert.AreEqual(10, sizes[^1]);
        // numpy: ceil(linspace(1024, 10, 150))[1] = ceil(1024 − 1014/149) = 1018.
        Assert.AreEqual(1018, sizes[1]);
        for (int i = 1; i < sizes.Length; i++)
        {
            Assert.IsLessThan(sizes[i - 1], sizes[i]);
        }
        Assert.AreEqual(149, NetworkWidth.Shrinking.LinearLayerCount(150));
    }

    [TestMethod]
    public void LayerSizes_Fixed_InputThenWidthThenClasses()
    {
        int[] sizes = NetworkWidth.Fixed(128).LayerSizes(784, 10, 4);
        Assert.AreEqual("784,128,128,128,10", string.Join(',', sizes));
    }

    [TestMethod]
    public void Parse_AllForms_RoundTripThroughToString()
    {
        foreach (string text in new[] { "wide", "shrinking", "128", "784,512,10" })
        {
            Assert.AreEqual(text, NetworkWidth.Parse(text).ToString());
        }
        Assert.AreEqual(NetworkWidthKind.Explicit, NetworkWidth.Parse("784, 512 ,10").Kind);
    }

    [TestMethod]
    public void Parse_Invalid_Throws()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NetworkWidth.Parse("0"));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NetworkWidth.Parse("-3"));
        Assert.ThrowsExactly<ArgumentException>(() => NetworkWidth.Parse("narrow"));
        Assert.ThrowsExactly<ArgumentException>(() => NetworkWidth.Parse("784,x,10"));
        Assert.ThrowsExactly<ArgumentException>(() => NetworkWidth.Parse("784,10"));
    }

    [TestMethod]
    public void LayerSizes_ExplicitNotMatchingImage_Throws()
    {
        var width = NetworkWidth.Parse("100,50,10");
        var ex = Assert.ThrowsExactly<ArgumentException>(() => width.LayerSizes(784, 10, 2));
        StringAssert.Contains(ex.Message, "784");
        Assert.ThrowsExactly<ArgumentException>(() => width.LayerSizes(100, 3, 2));
    }
}
