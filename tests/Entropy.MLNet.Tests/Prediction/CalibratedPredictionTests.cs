#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using System.Globalization;
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Tests.Sweep;

namespace Entropy.MLNet.Tests.Prediction;

[TestClass]
public sealed class CalibratedPredictionTests
{
    // S 80, a_o 2, b_o 1, a_c 10, γ 0.5, S_mf 70, k 5, w 0.5; collapse drop 5 nats, MSE median over layers 2..4.
    private static readonly TrainabilityCalibration Simple = new()
    {
        Name = "test",
        Provenance = new CalibrationProvenance("truth", "probe"),
        CollapseDrop = 5,
        MseFirstLayer = 2,
        MseLastLayer = 4,
        SaturationDepth = 80,
        OrderedScale = 2,
        OrderedExponent = 1,
        ChaoticScale = 10,
        ChaoticExponent = 0.5,
        MeanFieldSaturationDepth = 70,
        XiScale = 5,
        ProbeWeight = 0.5,
    };

    [TestMethod]
    public void Formulas_HandComputed()
    {
        // Ordered: 2·10 = 20 < chaotic 10·0.04^−½ = 50 → 20; mean field 5·3 = 15; together √(20·15).
        var ordered = new CurveFeatures(10, 0.04);
        Assert.AreEqual(20, CalibratedPrediction.ProbeDepth(ordered, Simple), 1e-12);
        Assert.AreEqual(15, CalibratedPrediction.MeanFieldDepth(3, Simple), 1e-12);
        Assert.AreEqual(Math.Sqrt(300), CalibratedPrediction.ProbeMeanFieldDepth(ordered, 3, Simple), 1e-12);
        // No collapse: chaotic 10·0.25^−½ = 20.
        Assert.AreEqual(20, CalibratedPrediction.ProbeDepth(new CurveFeatures(double.PositiveInfinity, 0.25), Simple), 1e-12);
        // No collapse and a small MSE: 10·0.01^−½ = 100, saturated at 80; MSE 0 saturates too.
        Assert.AreEqual(80, CalibratedPrediction.ProbeDepth(new CurveFeatures(double.PositiveInfinity, 0.01), Simple));
        Assert.AreEqual(80, CalibratedPrediction.ProbeDepth(new CurveFeatures(double.PositiveInfinity, 0), Simple));
        // ξ_c = +∞ (the critical point) saturates the mean-field term at 70.
        Assert.AreEqual(70, CalibratedPrediction.MeanFieldDepth(double.PositiveInfinity, Simple));
    }

    [TestMethod]
    public void Formulas_NaNInputs_NaNNeverADepth()
    {
        Assert.IsTrue(double.IsNaN(CalibratedPrediction.ProbeDepth(new CurveFeatures(double.NaN, 0.1), Simple)));
        Assert.IsTrue(double.IsNaN(CalibratedPrediction.ProbeDepth(new CurveFeatures(5, double.NaN), Simple)));
        Assert.IsTrue(double.IsNaN(CalibratedPrediction.MeanFieldDepth(double.NaN, Simple)));
        Assert.IsTrue(double.IsNaN(CalibratedPrediction.ProbeMeanFieldDepth(new CurveFeatures(5, 0.1), double.NaN, Simple)));
        // Weight 1 ignores the mean-field side (an activation the theory does not know).
        Assert.AreEqual(10, CalibratedPrediction.ProbeMeanFieldDepth(new CurveFeatures(5, 0.1), double.NaN, Simple with { ProbeWeight = 1 }), 1e-12);
    }

    [TestMethod]
    public void Features_CollapseAndMedianMse_HandComputed()
    {
        // Threshold −6.6 − 5 = −11.6: layer 3 (−11.7) is the first below it.
        double[] entropy = [-6.6, -7.0, -11.7, -20, -20];
        double[] mse = [0.02, 0.005, 0.001, 0.003, 0.5];
        CurveFeatures f = CurveFeatures.FromCurves(entropy, mse, Simple);
        Assert.AreEqual(3, f.CollapseLayer);
        Assert.AreEqual(0.003, f.DecoderMse); // median of layers 2..4: 0.005, 0.001, 0.003

        CurveFeatures none = CurveFeatures.FromCurves([-6.6, -7, -8], [0.1, 0.2, 0.4], Simple);
        Assert.AreEqual(double.PositiveInfinity, none.CollapseLayer);
        Assert.AreEqual(0.3, none.DecoderMse, 1e-15); // layers 2..3 only: the curve is shorter than layer 4

        CurveFeatures shortCurve = CurveFeatures.FromCurves([-6.6], [0.1], Simple);
        Assert.IsTrue(double.IsNaN(shortCurve.DecoderMse), "shorter than the first MSE layer: no answer");
        Assert.IsTrue(double.IsNaN(CurveFeatures.FromCurves([double.NaN, -7], [0.1, 0.2], Simple).CollapseLayer));
        Assert.ThrowsExactly<ArgumentException>(() => CurveFeatures.FromCurves([-6.6, -7], [0.1], Simple));
    }

    [TestMethod]
    public void Default_Embedded_FittedOnMnistWithProvenance()
    {
        TrainabilityCalibration d = TrainabilityCalibration.Default;
        StringAssert.Contains(d.Provenance.Truth, "mnist-seed1");
        StringAssert.Contains(d.Provenance.Truth, "mnist-seed2");
        Assert.IsFalse(string.IsNullOrWhiteSpace(d.Provenance.Probe));
        Assert.AreEqual(d, TrainabilityCalibration.Parse(d.ToJson(), "round trip"));
    }

    [TestMethod]
    public void ForProbe_QuickBudgetGetsItsOwnCalibration_ElseDefault()
    {
        TrainabilityCalibration quick = TrainabilityCalibration.ForProbe(5000, 1);
        Assert.AreEqual(5000, quick.ProbeTrainSamples);
        Assert.AreNotEqual(TrainabilityCalibration.Default.Name, quick.Name);
        Assert.AreSame(TrainabilityCalibration.Default, TrainabilityCalibration.ForProbe(null, 1));
        Assert.AreSame(TrainabilityCalibration.Default, TrainabilityCalibration.ForProbe(5000, 3));
    }

    [TestMethod]
    public void ForProbe_LeastSquaresMode_GetsItsOwnCalibrationWhateverTheBudget()
    {
        TrainabilityCalibration ls = TrainabilityCalibration.ForProbe(null, 1, "least-squares");
        Assert.AreEqual("least-squares", ls.ProbeMode);
        Assert.AreSame(ls, TrainabilityCalibration.ForProbe(5000, 1, "least-squares"));
        Assert.AreNotEqual(TrainabilityCalibration.Default.Name, ls.Name);
        Assert.IsNull(TrainabilityCalibration.Default.ProbeMode);
        Assert.AreSame(TrainabilityCalibration.Default, TrainabilityCalibration.ForProbe(null, 1, "faithful"));
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityCalibration.Parse((ls with { ProbeMode = "adam" }).ToJson(), "x.json"));
        StringAssert.Contains(ex.Message, "x.json: probeMode");
    }

    [TestMethod]
    [DataRow("mnist-quick-ls")] // the preset: least-squares decoders, the MNIST least-squares calibration (not fitted on this run)
    [DataRow("mnist-quick")] // --faithful: the authors' decoders with the quick budget's own (in-sample) calibration
    public void QuickPreset_CommittedRun_AgreesWithCommittedMnistTruthAtDepth30(string run)
    {
        // README: `entropy sweep --preset quick --score-depth 30` against the committed MNIST truth (both seeds), both directions.
        string root = RepositoryRoot();
        SweepResults quick = SweepResults.Load(Path.Combine(root, "benchmarks", "prediction", "runs", run));
        foreach (string set in new[] { "mnist-seed1", "mnist-seed2" })
        {
            GroundTruthSet truth = GroundTruthSet.Load(Path.Combine(root, "benchmarks", "ground-truth", set));
            foreach (GroundTruthBoundary b in truth.Boundaries)
            {
                SweepRecord r = quick.Records.Single(x => x.SigmaW2 == b.SigmaW2);
                Assert.AreEqual(b.MaxTrainableDepth >= 30, r.PredictedTrainable(30), $"{set}, σ_w² {b.SigmaW2}: trained up to {b.MaxTrainableDepth}, predicted {r.PredictedDepth}");
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Entropy.MLNet.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Entropy.MLNet.sln above {AppContext.BaseDirectory}.");
    }

    [TestMethod]
    [DataRow("not json", "not a trainability calibration")]
    [DataRow("null", "holds null")]
    [DataRow("{\"formatVersion\": 2}", "not a trainability calibration")] // required members missing
    [DataRow("SATURATION:-1", "saturationDepth must be a finite number above 0; got -1")]
    [DataRow("SATURATION:\"NaN\"", "not a trainability calibration")]
    [DataRow("WEIGHT:1.5", "probeWeight must lie in [0, 1]; got 1.5")]
    [DataRow("FIRST:0", "mseFirstLayer and mseLastLayer")]
    [DataRow("VERSION:2", "format version 2")]
    [DataRow("EXTRA", "not a trainability calibration")]
    public void Load_BadFile_OneErrorNamingTheFile(string content, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.Sub("calibration.json");
        File.WriteAllText(path, Edit(content));

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityCalibration.Load(path));

        StringAssert.StartsWith(ex.Message, path + ": ");
        StringAssert.Contains(ex.Message, expected);
    }

    [TestMethod]
    public void Load_HugeOrMissingFile_RefusedBeforeReading()
    {
        using var dir = new TempDirectory();
        string path = dir.Sub("huge.json");
        using (var f = File.Create(path))
        {
            f.SetLength(TrainabilityCalibration.MaxFileBytes + 1);
        }
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityCalibration.Load(path)).Message, path + ": ");
        string missing = dir.Sub("missing.json");
        StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => TrainabilityCalibration.Load(missing)).Message, missing);
    }

    [TestMethod]
    public void Agreement_CalibratedRows_ReadTheSweepCurves()
    {
        // One configuration (σ_w² 1.0): truth 4; curve layers 1..8 with a collapse at layer 3 and MSE 0.04 on layers 2..4.
        using var sweep = new TempDirectory();
        var settings = new SweepSettings { Dataset = "mnist", DatasetSource = "files", SigmaW2 = [1.0], SigmaB2 = [0.05], MaxDepth = 10, Width = "128" };
        File.WriteAllText(sweep.Sub(SweepSettings.FileName), settings.ToJson());
        File.WriteAllText(sweep.Sub(SweepRecord.FileName), string.Join(',', SweepRecord.Header) + "\n1,0.05,10,5,,0.759,3.627,21.76,ordered,7,,,\n");
        var c = CultureInfo.InvariantCulture;
        string curves = string.Join(',', SweepCurvePoint.Header) + "\n" + string.Concat(Enumerable.Range(1, 8).Select(l =>
            string.Create(c, $"1,0.05,{l},1,1,1,{(l < 3 ? -6.6 : -19)},{(l == 1 ? 0.02 : 0.04)}\n")));
        File.WriteAllText(sweep.Sub(SweepCurvePoint.FileName), curves);
        var truth = new GroundTruthSet("gt", new GroundTruthSetSettings { Dataset = "mnist", DatasetSource = "files", SigmaW2 = [1.0], Threshold = 0.5, MaxDepth = 10, Seed = 1 }, [],
            [new GroundTruthBoundary { Dataset = "mnist", Width = "128", Activation = "tanh", SigmaW2 = 1.0, SigmaB2 = 0.05, Seed = 1, Steps = 500, MinDepth = 2, MaxDepth = 10,
                Status = GroundTruthBoundaryStatus.Found, MaxTrainableDepth = 4, Trainings = 5, Seconds = 10 }]);

        AgreementGroup g = GroundTruthAgreement.Compute([truth], [SweepResults.Load(sweep.Path)], Simple).Single();

        // ℓ_c = 3 → probe 2·3 = 6 (chaotic 10·0.04^−½ = 50); mean field 5·3.627; together √(6·18.135).
        Assert.AreEqual(6, g.Predictions.Single(p => p.Predictor == CalibratedPrediction.ProbeName).Depth, 1e-12);
        Assert.AreEqual(Math.Sqrt(6 * 5 * 3.627), g.Predictions.Single(p => p.Predictor == CalibratedPrediction.ProbeMeanFieldName).Depth, 1e-9);
        AgreementRow row = g.Rows.Single(r => r.Predictor == CalibratedPrediction.ProbeName);
        // Truth 4 on depths 2..10; predicted 6: cells 2..4 TP, 5..6 FP, 7..10 TN.
        Assert.AreEqual((3, 2, 0, 4), (row.Metrics.TruePositives, row.Metrics.FalsePositives, row.Metrics.FalseNegatives, row.Metrics.TrueNegatives));
        Assert.AreEqual(10, row.MaxDepth, "calibrated rows answer up to the set's cap, not the probe's D − 2");
        Assert.IsTrue(g.Rows.Any(r => r.Predictor == CalibratedPrediction.MeanFieldName));
        Assert.IsFalse(GroundTruthAgreement.Compute([truth], [SweepResults.Load(sweep.Path)]).Single().Rows.Any(r => r.Predictor.StartsWith("cal-", StringComparison.Ordinal)));
    }

    private static string Edit(string content)
    {
        string json = Simple.ToJson();
        return content switch
        {
            _ when content.StartsWith("SATURATION:", StringComparison.Ordinal) => json.Replace("\"saturationDepth\": 80", "\"saturationDepth\": " + content[11..], StringComparison.Ordinal),
            _ when content.StartsWith("WEIGHT:", StringComparison.Ordinal) => json.Replace("\"probeWeight\": 0.5", "\"probeWeight\": " + content[7..], StringComparison.Ordinal),
            _ when content.StartsWith("FIRST:", StringComparison.Ordinal) => json.Replace("\"mseFirstLayer\": 2", "\"mseFirstLayer\": " + content[6..], StringComparison.Ordinal),
            _ when content.StartsWith("VERSION:", StringComparison.Ordinal) => json.Replace("\"formatVersion\": 1", "\"formatVersion\": " + content[8..], StringComparison.Ordinal),
            "EXTRA" => json.Replace("\"name\":", "\"surprise\": 1,\n  \"name\":", StringComparison.Ordinal),
            _ => content,
        };
    }
}
