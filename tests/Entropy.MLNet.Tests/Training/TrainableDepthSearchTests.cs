#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Training;

namespace Entropy.MLNet.Tests.Training;

[TestClass]
public sealed class TrainableDepthSearchTests
{
    private static Func<int, bool> Oracle(int maxTrainable) => depth => depth <= maxTrainable;

    [TestMethod]
    public void Bisection_MatchesStaircaseStepOne_OnEveryMonotoneOracle()
    {
        for (int truth = 0; truth <= 40; truth++)
        {
            var bisection = TrainableDepthSearch.Bisection(Oracle(truth), 2, 40);
            var staircase = TrainableDepthSearch.Staircase(Oracle(truth), 40, 1);
            int expected = truth < 2 ? 0 : Math.Min(truth, 40);
            Assert.AreEqual(expected, bisection.MaxTrainableDepth, $"truth {truth}");
            Assert.AreEqual(expected, staircase.MaxTrainableDepth, $"truth {truth}");
            Assert.IsLessThanOrEqualTo(2 + (int)Math.Ceiling(Math.Log2(39)), bisection.Trials.Count);
        }
    }

    [TestMethod]
    public void Staircase_AuthorsStep_FindsLatticeDepth()
    {
        // Start 150, step 5 (the authors): true max 97 → trains first at 95.
        var result = TrainableDepthSearch.Staircase(Oracle(97), 150, 5);

        Assert.AreEqual(95, result.MaxTrainableDepth);
        CollectionAssert.AreEqual(Enumerable.Range(0, 12).Select(k => 150 - (5 * k)).ToArray(), result.Trials.Select(t => t.Depth).ToArray());
        Assert.AreEqual(TrainableDepthSearch.Bisection(Oracle(95), 2, 150).MaxTrainableDepth, result.MaxTrainableDepth);
    }

    [TestMethod]
    public void Bisection_EarlyExit_OneTrialWhenDeepestTrains()
    {
        var result = TrainableDepthSearch.Bisection(Oracle(1000), 2, 64);
        Assert.AreEqual(64, result.MaxTrainableDepth);
        Assert.HasCount(1, result.Trials);

        var none = TrainableDepthSearch.Bisection(Oracle(0), 2, 64);
        Assert.AreEqual(0, none.MaxTrainableDepth);
        Assert.HasCount(2, none.Trials);
    }

    [TestMethod]
    public void Search_BadArguments_Throw()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TrainableDepthSearch.Bisection(Oracle(3), 1, 10));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TrainableDepthSearch.Bisection(Oracle(3), 5, 4));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TrainableDepthSearch.Staircase(Oracle(3), 10, 0));
        Assert.ThrowsExactly<ArgumentException>(() => TrainableDepthSearch.ParseMethod("golden"));
        Assert.AreEqual(TrainableDepthSearchMethod.Staircase, TrainableDepthSearch.ParseMethod("Staircase"));
    }
}
