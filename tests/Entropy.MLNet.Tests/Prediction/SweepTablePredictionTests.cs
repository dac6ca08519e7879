using Entropy.MLNet.MLNet;
using Entropy.MLNet.Prediction;

namespace Entropy.MLNet.Tests.Prediction;

/// <summary>The ML.NET sweep's ProbeScore and PredictedLabel come from the calibrated depth when the table has one.</summary>
[TestClass]
public sealed class SweepTablePredictionTests
{
    private static SweepTable Table(double? predictedLow, double? predictedHigh)
    {
        var table = new SweepTable { ProbeDepth = 6, CurveLength = 4, CutoffTolerance = 0.05, Width = "16" };
        table.Points.Add(new SweepPoint { SigmaW2 = 1.0, SigmaB2 = 0.05, Activation = "tanh", Cutoff = 4, Curve = [0.4f, 0.3f, 0.2f, 0.1f], PredictedDepth = predictedLow });
        table.Points.Add(new SweepPoint { SigmaW2 = 2.0, SigmaB2 = 0.05, Activation = "tanh", Cutoff = 2, Curve = [0.4f, 0.3f, 0.2f, 0.1f], PredictedDepth = predictedHigh });
        return table;
    }

    [TestMethod]
    public void Predict_CalibratedDepth_InterpolatedAndScored()
    {
        // Halfway between predicted depths 10 and 30: 20. The cutoffs (4, 2 → 3) would say depth 12 does not train.
        SweepPrediction p = Table(10, 30).Predict(1.5, 0.05, 12, null);
        Assert.IsTrue(p.PredictedTrainable);
        Assert.AreEqual((float)TrainabilityScore.Score(20.0, 12), p.Score, 1e-6f);
        Assert.AreEqual(3f, p.Cutoff, "the cutoff column stays the authors'");
        Assert.IsFalse(Table(10, 30).Predict(1.5, 0.05, 21, null).PredictedTrainable);
    }

    [TestMethod]
    public void Predict_TableWithoutCalibratedDepth_UsesTheCutoff()
    {
        SweepPrediction p = Table(null, 30).Predict(1.5, 0.05, 3, null);
        Assert.IsTrue(p.PredictedTrainable);
        Assert.AreEqual((float)TrainabilityScore.Score(3.0, 3), p.Score, 1e-6f);
        Assert.IsFalse(Table(null, null).Predict(1.5, 0.05, 4, null).PredictedTrainable);
    }

    [TestMethod]
    public void Predict_PredictedDepthColumn_IsTheDepthTheScoreReads_AndAStoredOneMustBeANumber()
    {
        Assert.AreEqual(20f, Table(10, 30).Predict(1.5, 0.05, 12, null).PredictedDepth, 1e-6f);
        Assert.AreEqual(3f, Table(null, 30).Predict(1.5, 0.05, 12, null).PredictedDepth, "the cutoff without a calibrated depth");
        Table(10, 30).Check();
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => Table(-1, 30).Check());
        StringAssert.Contains(ex.Message, "predicted depth is -1");
    }
}
