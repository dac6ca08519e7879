using System.Text.Json;
using Entropy.MLNet.MLNet;
using Entropy.MLNet.ModelHost;
using Entropy.MLNet.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.Tests.MLNet;

/// <summary>
/// The trainability predictor's calibrated-depth feature ln(D / L) (features contract v3): computed from the calibrated
/// prediction, the one feature that separates labels set by it, and predictors saved before it (v2) load with their
/// five features and predict as they did.
/// </summary>
[TestClass]
public sealed class CalibratedDepthFeatureTests
{
    private sealed class Featured
    {
        [VectorType]
        public float[] TrainabilityFeatures { get; set; } = [];

        public float PredictedDepth { get; set; }

        public float Probability { get; set; }
    }

    private sealed class RecordedRow
    {
        public float SigmaW2 { get; set; }

        public float SigmaB2 { get; set; }

        public int Depth { get; set; }

        public float Probability { get; set; }

        public float[] Features { get; set; } = [];
    }

    private static SweepTable Table(int curveLength, params (double SigmaW2, int Cutoff, double? PredictedDepth)[] points)
    {
        var table = new SweepTable { ProbeDepth = curveLength + 2, CurveLength = curveLength, CutoffTolerance = 0.005, Width = "16" };
        float[] curve = [.. Enumerable.Range(0, curveLength).Select(i => 0.4f - (0.3f * i / curveLength))];
        foreach (var (w, cutoff, predicted) in points)
        {
            table.Points.Add(new SweepPoint { SigmaW2 = w, SigmaB2 = 0.05, Activation = "tanh", Cutoff = cutoff, Curve = curve, PredictedDepth = predicted });
        }
        return table;
    }

    private static List<ConfigurationInput> Labelled(SweepTable table, IEnumerable<float> sigmaW2, IEnumerable<int> depths) =>
        [.. from w in sigmaW2
            from depth in depths
            select new ConfigurationInput { SigmaW2 = w, SigmaB2 = 0.05f, Depth = depth, Label = depth <= table.Predict(w, 0.05f, depth, null).PredictedDepth }];

    [TestMethod]
    public void Feature_FromKnownCurves_IsTheLogOfTheCalibratedDepthOverL()
    {
        TrainabilityCalibration cal = TrainabilityCalibration.Default;
        const int layers = 40;
        // Ordered flank: the differential entropy falls more than the collapse drop below layer 1's at layer 12.
        double[] collapsing = [.. Enumerable.Range(1, layers).Select(l => l < 12 ? 0.0 : -(cal.CollapseDrop + 1))];
        double[] lowMse = [.. Enumerable.Repeat(0.02, layers)];
        // Chaotic flank: no collapse, the decoders lose more.
        double[] flat = [.. Enumerable.Repeat(0.0, layers)];
        double[] highMse = [.. Enumerable.Repeat(0.08, layers)];
        double ordered = Math.Min(cal.SaturationDepth, Math.Min(cal.OrderedScale * Math.Pow(12, cal.OrderedExponent), cal.ChaoticScale * Math.Pow(0.02, -cal.ChaoticExponent)));
        double chaotic = Math.Min(cal.SaturationDepth, cal.ChaoticScale * Math.Pow(0.08, -cal.ChaoticExponent));

        double dOrdered = TrainabilitySweepEstimator.CalibratedDepth(collapsing, lowMse, double.NaN, cal)!.Value;
        double dChaotic = TrainabilitySweepEstimator.CalibratedDepth(flat, highMse, double.NaN, cal)!.Value;
        Assert.AreEqual(ordered, dOrdered, 1e-9 * ordered);
        Assert.AreEqual(chaotic, dChaotic, 1e-9 * chaotic);
        Assert.AreNotEqual(Math.Round(dOrdered), Math.Round(dChaotic), "the two curves give different depths");

        var ml = new MLContext(seed: 3);
        SweepTable table = Table(layers, (1.0, 4, dOrdered), (3.0, 4, dChaotic));
        var sweep = TrainabilitySweepTransformer.Create(ml, table);
        var train = ml.Data.LoadFromEnumerable(Labelled(table, [1f, 2f, 3f], [2, 5, 10, 20, 40, 60]));
        var model = ml.Trainability().Predictor(sweep).Fit(train);

        int[] depths = [3, 10, 30];
        float[] sigmas = [1f, 3f];
        var rows = (from w in sigmas from l in depths select new ConfigurationInput { SigmaW2 = w, SigmaB2 = 0.05f, Depth = l }).ToList();
        var scored = ml.Data.CreateEnumerable<Featured>(model.Transform(ml.Data.LoadFromEnumerable(rows)), false).ToList();
        int slot = TrainabilityFeatures.SlotNames.ToList().IndexOf(TrainabilityFeatures.CalibratedDepthSlotName);
        Assert.AreEqual(TrainabilityFeatures.Count - 1, slot);
        for (int i = 0; i < rows.Count; i++)
        {
            double d = rows[i].SigmaW2 == 1f ? dOrdered : dChaotic;
            Assert.AreEqual((float)d, scored[i].PredictedDepth, $"the sweep's PredictedDepth column at σ_w² {rows[i].SigmaW2}");
            Assert.AreEqual((float)Math.Log((float)d / rows[i].Depth), scored[i].TrainabilityFeatures[slot], 1e-6f, $"σ_w² {rows[i].SigmaW2}, L {rows[i].Depth}");
        }
    }

    [TestMethod]
    public void Fit_LabelsOfTheCalibratedDepth_SeparatedByItsFeature()
    {
        // Every grid point has the same cutoff and curve: only the calibrated depth tells them apart.
        SweepTable table = Table(4, (1.0, 4, 5.5), (1.5, 4, 30.5), (2.0, 4, 60.5), (2.5, 4, 20.5), (3.0, 4, 9.5));
        var ml = new MLContext(seed: 9);
        var sweep = TrainabilitySweepTransformer.Create(ml, table);
        var data = ml.Data.LoadFromEnumerable(Labelled(table, [.. Enumerable.Range(0, 9).Select(i => 1f + (0.25f * i))], [.. Enumerable.Range(0, 18).Select(i => 2 + (4 * i))]));
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 2);

        var model = ml.Trainability().Predictor(sweep, new TrainabilityPredictorOptions { ProbeFeaturesOnly = true }).Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet), labelColumnName: "Label");

        Assert.IsGreaterThan(0.95, metrics.Accuracy);
        Assert.IsGreaterThan(0.98, metrics.AreaUnderRocCurve);
        VBuffer<ReadOnlyMemory<char>> slots = default;
        model.Transform(split.TestSet).Schema[TrainabilityFeatures.ColumnName].GetSlotNames(ref slots);
        string[] names = [.. slots.DenseValues().Select(m => m.ToString())];
        float[] weights = Weights(model);
        int calibrated = Array.IndexOf(names, TrainabilityFeatures.CalibratedDepthSlotName);
        Assert.IsGreaterThan(0f, weights[calibrated], "deeper calibrated depth, more likely to train");
        for (int i = 0; i < weights.Length; i++)
        {
            if (i != calibrated)
            {
                Assert.IsGreaterThan(Math.Abs(weights[i]), Math.Abs(weights[calibrated]), $"{names[i]} weighs as much as the calibrated depth");
            }
        }
    }

    [TestMethod]
    public void Load_PredictorSavedWithFiveFeatures_KeepsThemAndPredictsAsBefore()
    {
        // Saved by the code before the calibrated-depth feature (commit 4b054a7; see Fixtures/README.md), with the
        // outputs that code computed for a few configurations.
        string dir = Path.Combine(AppContext.BaseDirectory, "MLNet", "Fixtures");
        var recorded = JsonSerializer.Deserialize<List<RecordedRow>>(File.ReadAllText(Path.Combine(dir, "predictor-features-v2.json")))!;
        Assert.IsNotEmpty(recorded);
        var ml = new MLContext();

        ITransformer loaded = TrainabilityModel.Load(ml, Path.Combine(dir, "predictor-features-v2.zip"), out _);
        var rows = recorded.Select(r => new ConfigurationInput { SigmaW2 = r.SigmaW2, SigmaB2 = r.SigmaB2, Depth = r.Depth }).ToList();
        IDataView output = loaded.Transform(ml.Data.LoadFromEnumerable(rows));

        VBuffer<ReadOnlyMemory<char>> slots = default;
        output.Schema[TrainabilityFeatures.ColumnName].GetSlotNames(ref slots);
        CollectionAssert.AreEqual(TrainabilityFeatures.SlotNames.Take(5).ToArray(), slots.DenseValues().Select(m => m.ToString()).ToArray());
        Assert.IsNull(output.Schema.GetColumnOrNull(TrainabilityFeatures.CalibratedDepthSlotName));
        var scored = ml.Data.CreateEnumerable<Featured>(output, false).ToList();
        for (int i = 0; i < recorded.Count; i++)
        {
            Assert.AreEqual(recorded[i].Probability, scored[i].Probability, $"row {i}");
            CollectionAssert.AreEqual(recorded[i].Features, scored[i].TrainabilityFeatures, $"row {i}");
        }
    }

    private static float[] Weights(TransformerChain<ITransformer> model) =>
        [.. ((ISingleFeaturePredictionTransformer<Microsoft.ML.Calibrators.CalibratedModelParametersBase<Microsoft.ML.Trainers.LinearBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>>)model.LastTransformer)
            .Model.SubModel.Weights];
}
