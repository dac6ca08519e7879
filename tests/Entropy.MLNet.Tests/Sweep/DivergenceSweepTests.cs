#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

/// <summary>A diverging configuration is recorded as such, and never predicted trainable from its divergence layer on.</summary>
[TestClass]
public sealed class DivergenceSweepTests
{
    // Whole curves (layers 1..D − 2 at depth 80) for the given σ_w².
    private static string Curves(params double[] sigmaW2) => string.Join(',', SweepCurvePoint.Header) + "\n" + string.Concat(
        sigmaW2.SelectMany(w => Enumerable.Range(1, 78).Select(layer => new SweepCurvePoint
        {
            SigmaW2 = w, SigmaB2 = 0.05, Layer = layer, MedianRelativeEntropy = 0.25f, NormalizedMedian = 1f, MeanRelativeEntropy = 0.3f,
            DifferentialEntropy = -1, DecoderTestMse = 1e-3f,
        }.ToCsv() + "\n")));

    private static SweepSettings Settings() => new()
    {
        Dataset = "mnist",
        DatasetSource = "embedded",
        SigmaW2 = [1.0, 10.0],
        SigmaB2 = [0.05],
        MaxDepth = 80,
        Width = "32",
        Activation = "relu",
        TrainSamples = 200,
        EntropySamples = 20,
    };

    private static SweepRecord Record(double sw, int cutoff, int? divergence, int? gt = null) => new()
    {
        SigmaW2 = sw,
        SigmaB2 = 0.05,
        MaxDepth = 80,
        Cutoff = cutoff,
        DivergenceLayer = divergence,
        Seed = 7,
        GtMaxTrainableDepth = gt,
        GtTestAccuracy = gt is null ? null : 0.5,
    };

    [TestMethod]
    public void RecordCsv_DivergenceLayer_RoundTrips_AndFilesWithoutTheColumnReadAsNone()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Sub(SweepSettings.FileName), Settings().ToJson());
        File.WriteAllText(dir.Sub(SweepRecord.FileName), string.Join(',', SweepRecord.Header) + "\n" + Record(1.0, 20, null).ToCsv() + "\n" + Record(10.0, 60, 70).ToCsv() + "\n");
        File.WriteAllText(dir.Sub(SweepCurvePoint.FileName), Curves(1.0, 10.0)); // a finished configuration needs its whole curve

        var records = SweepResults.Load(dir.Path).Records;

        Assert.IsNull(records[0].DivergenceLayer);
        Assert.AreEqual(70, records[1].DivergenceLayer);
        StringAssert.EndsWith(Record(10.0, 60, 70).ToCsv(), ",70");

        // A file written before the column existed: twelve columns.
        string old = string.Join(',', SweepRecord.Header.Take(12)) + "\n" + Record(1.0, 20, null).ToCsv()[..^1] + "\n";
        File.WriteAllText(dir.Sub(SweepRecord.FileName), old);
        File.WriteAllText(dir.Sub(SweepCurvePoint.FileName), Curves(1.0));
        var oldRecords = SweepResults.Load(dir.Path).Records;
        Assert.HasCount(1, oldRecords);
        Assert.IsNull(oldRecords[0].DivergenceLayer);
        Assert.AreEqual(20, oldRecords[0].Cutoff);
    }

    [TestMethod]
    public void Score_DivergingConfiguration_NeverTrainableFromTheDivergenceLayer()
    {
        // A cutoff beyond the divergence (as NaN data once gave: 78 with NaN from layer 70) is bounded to ℓ − 1 = 69.
        SweepRecord record = Record(10.0, 78, 70);
        Assert.IsFalse(record.PredictedTrainable(70));
        Assert.IsLessThan(0.5, record.Score(70));
        Assert.IsLessThan(0.5, record.Score(78));
        Assert.IsTrue(record.PredictedTrainable(69));
        Assert.AreEqual(TrainabilityScore.Score(69, 40), record.Score(40));

        SweepRecord atOnce = Record(1e308, 4, 1);
        Assert.IsFalse(atOnce.PredictedTrainable(1));
        Assert.IsLessThan(0.5, atOnce.Score(1));

        Assert.AreEqual(TrainabilityScore.Score(78, 40), Record(10.0, 78, null).Score(40), "no divergence: the cutoff as it is");
    }

    [TestMethod]
    public void Agreement_NaNPrediction_ReportedAsNonFiniteInsteadOfThrowing()
    {
        AgreementMetrics m = Agreement.Compute("probe", [(double.NaN, 0), (5.0, 5)], [2, 3, 4, 5, 6], 8);

        // (NaN, 0) is never read as a depth: it is counted as non-finite and left out of the cells;
        // (5, 5): depths 2..5 true positives, 6 a true negative.
        Assert.AreEqual(1, m.NonFinite);
        Assert.AreEqual(4, m.TruePositives);
        Assert.AreEqual(0, m.FalsePositives);
        Assert.AreEqual(0, m.FalseNegatives);
        Assert.AreEqual(1, m.TrueNegatives);
        Assert.AreEqual(0.0, m.MeanAbsoluteDepthError, 1e-12);
    }

    [TestMethod]
    public void Agreement_DivergedRecord_PredictsOnlyBelowTheDivergence()
    {
        // Cutoff 60 but divergence at layer 3: predicted trainable up to depth 2, which ground truth confirms.
        AgreementReport report = Agreement.Compute([Record(10.0, 60, 3, gt: 2), Record(1.0, 20, null, gt: 20)], [2, 3, 10, 20, 30]);

        Assert.AreEqual(0, report.Probe.FalsePositives);
        Assert.AreEqual(0, report.Probe.FalseNegatives);
    }
}
