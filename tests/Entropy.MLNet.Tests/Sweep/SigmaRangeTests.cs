using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

[TestClass]
public sealed class SigmaRangeTests
{
    private static readonly double[] SortedList = [2e-5, 0.5, 1.0, 1.76];
    private static readonly double[] ZeroAndFive = [0.0, 5.0];

    [TestMethod]
    public void Parse_Range_IncludesBothEndsWithoutDrift()
    {
        var range = SigmaRange.Parse("0.5:4.0:0.1");
        Assert.AreEqual(36, range.Count);
        Assert.AreEqual(0.5, range.Values[0]);
        Assert.AreEqual(0.8, range.Values[3]); // 0.5 + 3·0.1 in binary floating point would be 0.8000000000000002
        Assert.AreEqual(1.7, range.Values[12]);
        Assert.AreEqual(4.0, range.Values[^1]);
    }

    [TestMethod]
    public void Parse_RangeNotReachingStop_EndsAtTheLastGridPointBelowStop()
    {
        var range = SigmaRange.Parse("0.5:4.0:0.3");
        Assert.AreEqual(12, range.Count);
        Assert.AreEqual(3.8, range.Values[^1]);
    }

    [TestMethod]
    public void Parse_SinglePointRangeAndSingleNumber_GiveOneValue()
    {
        Assert.AreEqual(1.76, SigmaRange.Parse("1.76:1.76:0.1").Values.Single());
        Assert.AreEqual(0.05, SigmaRange.Parse(" 0.05 ").Values.Single());
    }

    [TestMethod]
    public void Parse_CommaList_SortsAndAcceptsExponents()
    {
        var range = SigmaRange.Parse("1.76, 0.5,1,2e-5");
        CollectionAssert.AreEqual(SortedList, range.Values.ToArray());
        Assert.AreEqual(1e-30, SigmaRange.Parse("1e-30,1").Values[0]);
        Assert.AreEqual("1.76, 0.5,1,2e-5", range.ToString());
    }

    [TestMethod]
    [DataRow("4:0.5:0.1", "greater than stop")]
    [DataRow("0.5:4:0", "step")]
    [DataRow("0.5:4:-0.1", "step")]
    [DataRow("", "empty")]
    [DataRow("   ", "empty")]
    [DataRow("NaN", "not a finite number")]
    [DataRow("0.5:NaN:0.1", "not a finite number")]
    [DataRow("0.5:4", "start:stop:step")]
    [DataRow("0.5:4:0.1:1", "start:stop:step")]
    [DataRow("1,,2", "empty number")]
    [DataRow("1,abc", "not a finite number")]
    [DataRow("1,1.0", "twice")]
    [DataRow("0:1:1e-9", "more than")]
    [DataRow("1e-30:1:0.1", "out of range")]
    [DataRow("Infinity", "not a finite number")]
    [DataRow("0,5", null)]
    public void Parse_BadText_ThrowsNamingTheArgument(string text, string? fragment)
    {
        if (fragment is null)
        {
            // "0,5" is a valid list (0 and 5) in the invariant culture, not the decimal 0.5.
            CollectionAssert.AreEqual(ZeroAndFive, SigmaRange.Parse(text, "--sigma-w2").Values.ToArray());
            return;
        }
        var ex = Assert.ThrowsExactly<ArgumentException>(() => SigmaRange.Parse(text, "--sigma-w2"));
        StringAssert.Contains(ex.Message, "--sigma-w2");
        StringAssert.Contains(ex.Message, fragment);
        Assert.AreEqual("--sigma-w2", ex.ParamName);
    }

    [TestMethod]
    public void TryParse_Bad_ReturnsFalse()
    {
        Assert.IsFalse(SigmaRange.TryParse("4:0.5:0.1", out var range));
        Assert.IsNull(range);
        Assert.IsTrue(SigmaRange.TryParse("0.5,1", out range));
        Assert.AreEqual(2, range!.Count);
    }
}
