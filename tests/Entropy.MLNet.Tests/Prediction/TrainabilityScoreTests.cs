using Entropy.MLNet.Prediction;

namespace Entropy.MLNet.Tests.Prediction;

[TestClass]
public sealed class TrainabilityScoreTests
{
    [TestMethod]
    public void PredictedTrainable_CutoffAtDepth_True_AboveFalse()
    {
        Assert.IsTrue(TrainabilityScore.PredictedTrainable(20, 20));
        Assert.IsTrue(TrainabilityScore.PredictedTrainable(20, 5));
        Assert.IsFalse(TrainabilityScore.PredictedTrainable(20, 21));
    }

    [TestMethod]
    public void Score_AboveHalf_ExactlyWhenPredictedTrainable()
    {
        for (int cutoff = 0; cutoff <= 60; cutoff += 3)
        {
            for (int depth = 0; depth <= 80; depth++)
            {
                double s = TrainabilityScore.Score(cutoff, depth);
                Assert.IsTrue(s > 0 && s < 1);
                Assert.AreEqual(TrainabilityScore.PredictedTrainable(cutoff, depth), s > 0.5, $"cutoff {cutoff}, depth {depth}");
            }
        }
    }

    [TestMethod]
    public void Score_HandComputed_WidthTenPercentOfCutoff()
    {
        // cutoff 40 → width 4; depth 36: (40.5 − 36)/4 = 1.125 → 1/(1+e^−1.125).
        Assert.AreEqual(1 / (1 + Math.Exp(-1.125)), TrainabilityScore.Score(40, 36), 1e-15);
        // cutoff 5 → width 1 (minimum); depth 8: (5.5 − 8)/1 = −2.5.
        Assert.AreEqual(1 / (1 + Math.Exp(2.5)), TrainabilityScore.Score(5, 8), 1e-15);
        Assert.AreEqual(1.0, TrainabilityScore.Score(double.PositiveInfinity, 1000));
    }

    [TestMethod]
    public void Score_MonotoneDecreasingInDepth()
    {
        double previous = 1;
        for (int depth = 0; depth < 100; depth++)
        {
            double s = TrainabilityScore.Score(50, depth);
            Assert.IsLessThan(previous, s);
            previous = s;
        }
    }

    [TestMethod]
    public void Verdict_Band_OrderedNearCriticalChaotic()
    {
        Assert.AreEqual(TrainabilityVerdict.Ordered, TrainabilityScore.Verdict(0.759032));
        Assert.AreEqual(TrainabilityVerdict.Ordered, TrainabilityScore.Verdict(0.95));
        Assert.AreEqual(TrainabilityVerdict.NearCritical, TrainabilityScore.Verdict(0.951));
        Assert.AreEqual(TrainabilityVerdict.NearCritical, TrainabilityScore.Verdict(1.04767));
        Assert.AreEqual(TrainabilityVerdict.Chaotic, TrainabilityScore.Verdict(1.208934));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TrainabilityScore.Verdict(double.NaN));
        Assert.AreEqual("near-critical", TrainabilityScore.Name(TrainabilityVerdict.NearCritical));
        Assert.AreEqual(TrainabilityVerdict.Chaotic, TrainabilityScore.ParseName("chaotic"));
    }
}
