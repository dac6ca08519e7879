using Entropy.MLNet.MLNet;
using Entropy.MLNet.ModelHost;
using Entropy.MLNet.Theory;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.Tests.MLNet;

[TestClass]
public sealed class TrainabilityPredictorTests
{
    private static TrainabilitySweepTransformer s_sweep = null!;
    private static string s_dir = "";

    [ClassInitialize]
    public static void FitSweep(TestContext context)
    {
        s_dir = MLNetFixtures.TempDirectory("predictor");
        s_sweep = new MLContext(seed: 31).Trainability().Sweep(TrainabilitySweepTests.Options()).Fit(MLNetFixtures.Images(140).ToDataView());
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        try
        {
            Directory.Delete(s_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Labelled configurations. The label here is the mean-field criterion L ≤ 6 ξ_c (Schoenholz et al.), a stand-in
    /// for trained ground truth that keeps the test fast; the predictor takes whatever Boolean label it is given.
    /// </summary>
    internal static List<ConfigurationInput> Labelled()
    {
        var rows = new List<ConfigurationInput>();
        for (int i = 0; i <= 20; i++)
        {
            float w = 0.5f + (i * 0.125f);
            double xi = MeanFieldTheory.Tanh.Evaluate(w, 0.05f).XiC;
            for (int depth = 2; depth <= 40; depth += 2)
            {
                rows.Add(new ConfigurationInput { SigmaW2 = w, SigmaB2 = 0.05f, Depth = depth, Label = depth <= 6 * xi });
            }
        }
        return rows;
    }

    private sealed class Scored
    {
        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }

        public float ProbeScore { get; set; }
    }

    [TestMethod]
    public void Fit_LabelledConfigurations_TrainsACalibratedClassifierThatEvaluates()
    {
        var ml = new MLContext(seed: 5);
        var data = ml.Data.LoadFromEnumerable(Labelled());
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 1);

        var model = ml.Trainability().Predictor(s_sweep).Fit(split.TrainSet);
        var predictions = model.Transform(split.TestSet);
        var metrics = ml.BinaryClassification.Evaluate(predictions, labelColumnName: "Label");

        // The features include L / 6ξ_c, so the stand-in labels are learnable: well above chance.
        Assert.IsGreaterThan(0.85, metrics.Accuracy);
        Assert.IsGreaterThan(0.9, metrics.AreaUnderRocCurve);
        var scored = ml.Data.CreateEnumerable<Scored>(predictions, false).ToList();
        Assert.IsTrue(scored.All(s => s.Probability is >= 0 and <= 1));
        Assert.IsTrue(scored.All(s => s.PredictedLabel == (s.Probability > 0.5f)));
        Assert.IsTrue(scored.All(s => s.ProbeScore is > 0 and < 1), "the sweep's score stays as ProbeScore");
    }

    [TestMethod]
    public void Fit_MissingOrWrongLabel_ThrowsBeforeTraining()
    {
        var ml = new MLContext(seed: 5);
        var noLabel = ml.Data.LoadFromEnumerable(new[] { new { SigmaW2 = 1f, SigmaB2 = 0.05f, Depth = 3 } });
        var floatLabel = ml.Data.LoadFromEnumerable(new[] { new { SigmaW2 = 1f, SigmaB2 = 0.05f, Depth = 3, Label = 1f } });

        var e1 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Trainability().Predictor(s_sweep).Fit(noLabel));
        var e2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Trainability().Predictor(s_sweep).Fit(floatLabel));

        Assert.AreEqual("Label", e1.ParamName);
        Assert.AreEqual("Label", e2.ParamName);
        Assert.Contains("expected a scalar Boolean", e2.Message);
    }

    [TestMethod]
    public void GetOutputSchema_AddsProbabilityAndPredictedLabel()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Labelled().Take(3));

        var shape = ml.Trainability().Predictor(s_sweep).GetOutputSchema(ReconstructionProbeEstimatorTests.ShapeOf(data));

        Assert.IsTrue(shape.Any(c => c.Name == "Probability"));
        Assert.IsTrue(shape.Any(c => c.Name == "PredictedLabel"));
        Assert.IsTrue(shape.Any(c => c.Name == TrainabilityFeatures.ColumnName));
    }

    [TestMethod]
    public void SaveLoad_FreshContextAndChildProcess_ReproduceEveryOutputExactly()
    {
        var ml = new MLContext(seed: 6);
        var data = ml.Data.LoadFromEnumerable(Labelled());
        var model = ml.Trainability().Predictor(s_sweep).Fit(data);
        string path = Path.Combine(s_dir, "predictor.zip");
        TrainabilityModel.Save(ml, model, data.Schema, path);
        var probe = Labelled().Where((_, i) => i % 37 == 0).ToList();
        var view = ml.Data.LoadFromEnumerable(probe);
        var before = MLNetFixtures.Columns(model.Transform(view));

        var loaded = TrainabilityModel.Load(new MLContext(), path, out _);
        var after = MLNetFixtures.Columns(loaded.Transform(view));
        var child = MLNetFixtures.RunHost("configurations", path, probe, s_dir);

        foreach (var key in new[] { "Probability", "Score", "PredictedLabel", "Cutoff", "XiC", TrainabilityFeatures.ColumnName })
        {
            Assert.AreEqual(before[key].GetRawText(), after[key].GetRawText(), key);
            Assert.AreEqual(before[key].GetRawText(), child[key].GetRawText(), key);
        }
        var engine = ml.Model.CreatePredictionEngine<ConfigurationInput, Scored>(loaded);
        var batch = ml.Data.CreateEnumerable<Scored>(loaded.Transform(view), false).ToList();
        for (int i = 0; i < probe.Count; i++)
        {
            Assert.AreEqual(batch[i].Probability, engine.Predict(probe[i]).Probability);
        }
    }

    [TestMethod]
    public void Features_CarrySlotNames_ThroughSaveAndLoad_AndEachOutputColumnOnce()
    {
        var ml = new MLContext(seed: 7);
        var data = ml.Data.LoadFromEnumerable(Labelled());
        var model = ml.Trainability().Predictor(s_sweep).Fit(data);
        string path = Path.Combine(s_dir, "slots.zip");
        TrainabilityModel.Save(ml, model, data.Schema, path);
        var loaded = TrainabilityModel.Load(new MLContext(), path, out _);

        foreach (var schema in new[] { model.Transform(data).Schema, loaded.Transform(data).Schema })
        {
            VBuffer<ReadOnlyMemory<char>> slots = default;
            schema[TrainabilityFeatures.ColumnName].GetSlotNames(ref slots);
            CollectionAssert.AreEqual(TrainabilityFeatures.SlotNames.ToArray(), slots.DenseValues().Select(m => m.ToString()).ToArray());
            // Hidden columns included: the sweep's score is ProbeScore and its decision is dropped, so no name repeats.
            var names = Enumerable.Range(0, schema.Count).Select(i => schema[i].Name).ToList();
            Assert.AreEqual(1, names.Count(n => n == "Score"));
            Assert.AreEqual(1, names.Count(n => n == "PredictedLabel"));
            Assert.AreEqual(1, names.Count(n => n == "ProbeScore"));
            Assert.IsFalse(names.Any(n => TrainabilityFeatures.SlotNames.Contains(n)), "the scalar feature columns are dropped");
        }
    }

    [TestMethod]
    public void ProbeFeaturesOnly_LeavesOutTheMeanFieldFeature()
    {
        var ml = new MLContext(seed: 8);
        var data = ml.Data.LoadFromEnumerable(Labelled());

        var all = ml.Trainability().Predictor(s_sweep).Fit(data);
        var probeOnly = ml.Trainability().Predictor(s_sweep, new TrainabilityPredictorOptions { ProbeFeaturesOnly = true }).Fit(data);

        VBuffer<ReadOnlyMemory<char>> slots = default;
        probeOnly.Transform(data).Schema[TrainabilityFeatures.ColumnName].GetSlotNames(ref slots);
        string[] names = [.. slots.DenseValues().Select(m => m.ToString())];
        CollectionAssert.AreEqual(TrainabilityFeatures.SlotNames.Where(n => n != TrainabilityFeatures.MeanFieldSlotName).ToArray(), names);
        Assert.AreEqual(TrainabilityFeatures.Count - 1, Weights(probeOnly).Length);
        Assert.AreEqual(TrainabilityFeatures.Count, Weights(all).Length);
    }

    private static float[] Weights(TransformerChain<ITransformer> model) =>
        [.. ((ISingleFeaturePredictionTransformer<Microsoft.ML.Calibrators.CalibratedModelParametersBase<Microsoft.ML.Trainers.LinearBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>>)model.LastTransformer)
            .Model.SubModel.Weights];

    [TestMethod]
    public void Features_ArePinned()
    {
        float[] f = TrainabilityFeatures.Compute(10, 5f, [1f, 2f, 4f], 2f, 20f);

        Assert.AreEqual(0.5f, f[0]);
        Assert.AreEqual(10f / 12f, f[1], 1e-6f);
        Assert.AreEqual(7f / 12f, f[2], 1e-6f);
        Assert.AreEqual((float)Math.Sqrt(((1 / 16.0) + (1 / 4.0) + 1) / 3 - (49 / 144.0)), f[3], 1e-6f);
        Assert.AreEqual(1f, f[4]);
        Assert.AreEqual((float)Math.Log(2), f[5], 1e-6f);
        Assert.AreEqual(0f, TrainabilityFeatures.Compute(3, 5f, [1f], float.NaN, 5f)[1]);
        // The calibrated depth: the cutoff where it has no answer, half a layer at least, a thousandfold at most.
        Assert.AreEqual(Math.Log(5 / 10.0), TrainabilityFeatures.LogPredictedDepthOverDepth(double.NaN, 5, 10), 1e-12);
        Assert.AreEqual(Math.Log(5 / 10.0), TrainabilityFeatures.LogPredictedDepthOverDepth(-1, 5, 10), 1e-12);
        Assert.AreEqual(Math.Log(0.5 / 10), TrainabilityFeatures.LogPredictedDepthOverDepth(0, 5, 10), 1e-12);
        Assert.AreEqual(Math.Log(0.5 / 10), TrainabilityFeatures.LogPredictedDepthOverDepth(double.NaN, double.NaN, 10), 1e-12);
        Assert.AreEqual(Math.Log(1000), TrainabilityFeatures.LogPredictedDepthOverDepth(double.PositiveInfinity, 5, 10), 1e-12);
        Assert.AreEqual(-Math.Log(1000), TrainabilityFeatures.LogPredictedDepthOverDepth(1, 5, 5000), 1e-12);
        Assert.AreEqual(0, TrainabilityFeatures.LogPredictedDepthOverDepth(7, 5, 7));
    }
}
