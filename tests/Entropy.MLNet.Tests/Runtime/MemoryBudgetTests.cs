using Entropy.MLNet.MLNet;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Tests.Probe;
using Microsoft.ML;

namespace Entropy.MLNet.Tests.Runtime;

[TestClass]
public sealed class MemoryBudgetTests
{
    [TestMethod]
    [DataRow("1", 1L)]
    [DataRow("4096", 4096L)]
    [DataRow("64K", 64L << 10)]
    [DataRow("512M", 512L << 20)]
    [DataRow("512mib", 512L << 20)]
    [DataRow("1.5G", 3L << 29)]
    [DataRow("2GB", 2L << 30)]
    [DataRow("1T", 1L << 40)]
    public void ParseSize_BinaryUnits(string text, long expected) => Assert.AreEqual(expected, MemoryBudget.ParseSize(text));

    [TestMethod]
    [DataRow("")]
    [DataRow("lots")]
    [DataRow("1,5G")]
    [DataRow("-1G")]
    [DataRow("0")]
    [DataRow("5Q")]
    [DataRow("99999999T")]
    public void ParseSize_Malformed_Throws(string text) => Assert.ThrowsExactly<FormatException>(() => MemoryBudget.ParseSize(text));

    [TestMethod]
    public void Default_IsPositiveAndAtMostThePhysicalOrCgroupMemory()
    {
        long budget = MemoryBudget.Default();

        Assert.IsGreaterThan(0L, budget);
        Assert.IsLessThanOrEqualTo(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, budget);
    }

    [TestMethod]
    public void Estimate_GrowsWithTheSquareOfTheWidth()
    {
        var options = TestData.Small();
        var (narrow, _) = ProbeMemoryEstimate.Estimate([784, 1000, 1000, 1000, 10], 512, options);
        var (wide, _) = ProbeMemoryEstimate.Estimate([784, 4000, 4000, 4000, 10], 512, options);

        // Two 1000×1000 layers each way hold 4·(1 + 4)·2·10^6 bytes; at width 4000 sixteen times that.
        double squares = 2 * 4.0 * (1 + 4) * 1e6;
        Assert.IsGreaterThan(15 * squares, wide - narrow);
    }

    [TestMethod]
    public void ProbeOptionsValidate_OverTheBudget_NamesTheBudget()
    {
        var options = TestData.Small() with { MaxMemoryBytes = 1 << 20 };

        var ex = Assert.ThrowsExactly<ArgumentException>(() => options.Validate(TestData.Train, TestData.Test));

        Assert.AreEqual(MemoryBudget.ParameterName, ex.ParamName);
        StringAssert.Contains(ex.Message, "but the memory budget is 1.0 MiB");
    }

    [TestMethod]
    public void EstimatorOptions_MaxMemoryBytes_RefusesBeforeFitting()
    {
        var ml = new MLContext(seed: 1);
        var data = Entropy.MLNet.Tests.MLNet.MLNetFixtures.Images(64).ToDataView();
        var options = Entropy.MLNet.Tests.MLNet.MLNetFixtures.ProbeOptions();
        options.MaxMemoryBytes = 1 << 16;

        var ex = Assert.Throws<ArgumentException>(() => ml.Trainability().ReconstructionProbe(options).Fit(data));

        StringAssert.Contains(ex.Message, "but the memory budget is 64.0 KiB");
    }

    [TestMethod]
    public void Probe_BatchLargerThanTheData_SameAsOneBatchOfTheWholeSet()
    {
        var whole = TestData.Small() with { TrainSamples = 200, BatchSize = 200 };
        var huge = whole with { BatchSize = 2_000_000_000 };

        var a = ReconstructionProbe.Run(TestData.Train, TestData.Test, whole);
        var b = ReconstructionProbe.Run(TestData.Train, TestData.Test, huge);

        CollectionAssert.AreEqual(a.MeanRelativeEntropy, b.MeanRelativeEntropy);
        CollectionAssert.AreEqual(a.DecoderTestMse, b.DecoderTestMse);
    }
}
