using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;

namespace Entropy.MLNet.Tests.Probe;

[TestClass]
public sealed class ProbeOptionsTests
{
    private static void AssertNamed<T>(ProbeOptions options, string name, bool withTest = false) where T : ArgumentException
    {
        var ex = Assert.ThrowsExactly<T>(() => options.Validate(TestData.Train, withTest ? TestData.Test : null));
        Assert.AreEqual(name, ex.ParamName, ex.Message);
    }

    [TestMethod]
    public void Validate_Defaults_Pass() => new ProbeOptions { SigmaW2 = 1.76, Depth = 20 }.Validate(TestData.Train, TestData.Test);

    [TestMethod]
    public void Validate_BadVariances_NameTheOption()
    {
        var ok = TestData.Small();
        AssertNamed<ArgumentOutOfRangeException>(ok with { SigmaW2 = 0 }, nameof(ProbeOptions.SigmaW2));
        AssertNamed<ArgumentOutOfRangeException>(ok with { SigmaW2 = -1 }, nameof(ProbeOptions.SigmaW2));
        AssertNamed<ArgumentOutOfRangeException>(ok with { SigmaW2 = double.NaN }, nameof(ProbeOptions.SigmaW2));
        AssertNamed<ArgumentOutOfRangeException>(ok with { SigmaB2 = -0.01 }, nameof(ProbeOptions.SigmaB2));
        AssertNamed<ArgumentOutOfRangeException>(ok with { SigmaB2 = double.NaN }, nameof(ProbeOptions.SigmaB2));
    }

    [TestMethod]
    public void Validate_BadShapes_NameTheOption()
    {
        var ok = TestData.Small();
        AssertNamed<ArgumentOutOfRangeException>(ok with { Depth = 1 }, nameof(ProbeOptions.Depth));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NetworkWidth.Fixed(0));
        AssertNamed<ArgumentException>(ok with { Depth = 2, Width = NetworkWidth.Parse("100,50,10") }, nameof(ProbeOptions.Width));
        AssertNamed<ArgumentException>(ok with { Depth = 2, Width = NetworkWidth.Parse("784,50,7") }, nameof(ProbeOptions.Width));
        AssertNamed<ArgumentException>(ok with { Depth = 5, Width = NetworkWidth.Parse("784,50,10") }, nameof(ProbeOptions.Width));
        AssertNamed<ArgumentOutOfRangeException>(ok with { Depth = 2 }, nameof(ProbeOptions.ExcludedLastLayers));
    }

    [TestMethod]
    public void Validate_BadCounts_NameTheOption()
    {
        var ok = TestData.Small();
        AssertNamed<ArgumentOutOfRangeException>(ok with { TrainSamples = TestData.Train.Count + 1 }, nameof(ProbeOptions.TrainSamples));
        AssertNamed<ArgumentOutOfRangeException>(ok with { TrainSamples = 0 }, nameof(ProbeOptions.TrainSamples));
        AssertNamed<ArgumentOutOfRangeException>(ok with { EntropySamples = TestData.Test.Count + 1 }, nameof(ProbeOptions.EntropySamples), withTest: true);
        AssertNamed<ArgumentOutOfRangeException>(ok with { EntropySamples = 1 }, nameof(ProbeOptions.EntropySamples));
        AssertNamed<ArgumentOutOfRangeException>(ok with { ReconstructionImages = 21 }, nameof(ProbeOptions.ReconstructionImages));
        AssertNamed<ArgumentOutOfRangeException>(ok with { Epochs = 0 }, nameof(ProbeOptions.Epochs));
        AssertNamed<ArgumentOutOfRangeException>(ok with { BatchSize = 0 }, nameof(ProbeOptions.BatchSize));
        AssertNamed<ArgumentOutOfRangeException>(ok with { LearningRate = 0 }, nameof(ProbeOptions.LearningRate));
        AssertNamed<ArgumentOutOfRangeException>(ok with { Threads = 0 }, nameof(ProbeOptions.Threads));
        AssertNamed<ArgumentOutOfRangeException>(ok with { CutoffTolerance = -1 }, nameof(ProbeOptions.CutoffTolerance));
    }

    [TestMethod]
    public void Run_InvalidOptions_ThrowsBeforeAnyProgress()
    {
        var reports = new List<ProbeProgress>();
        var progress = new SyncProgress(reports.Add);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => ReconstructionProbe.Run(TestData.Train, TestData.Test, TestData.Small() with { SigmaW2 = 0 }, progress));
        Assert.IsEmpty(reports);
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress(Action<ProbeProgress> report) : IProgress<ProbeProgress>
{
    public void Report(ProbeProgress value) => report(value);
}
