using Entropy.MLNet.Data;
using Entropy.MLNet.MLNet;
using Entropy.MLNet.Probe;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.Tests.MLNet;

[TestClass]
public sealed class ReconstructionProbeEstimatorTests
{
    private sealed class Row
    {
        [VectorType(36)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Scored
    {
        public float[] RelativeEntropy { get; set; } = [];

        public float[] Reconstruction { get; set; } = [];
    }

    private sealed class EntropyOnly
    {
        public float[] RelativeEntropy { get; set; } = [];
    }

    [TestMethod]
    public void Fit_ImageColumn_AddsEntropyPerLayerAndReconstructionsMatchingTheModel()
    {
        var ml = new MLContext(seed: 1);
        var images = MLNetFixtures.Images();
        var data = images.ToDataView();

        using var probe = ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions(1, 3)).Fit(data);
        var scored = ml.Data.CreateEnumerable<Scored>(probe.Transform(data), reuseRowObject: false).ToList();

        Assert.HasCount(images.Count, scored);
        Assert.AreEqual(4, probe.Model.CurveLength);
        var schema = probe.GetOutputSchema(data.Schema);
        Assert.IsNotNull(schema.GetColumnOrNull("RelativeEntropy"));
        Assert.IsNotNull(schema.GetColumnOrNull("Reconstruction"));
        Assert.IsNull(schema.GetColumnOrNull(nameof(ProbeMappingInput.EntropyMLNetProbeInput)), "internal columns are dropped");
        for (int i = 0; i < 5; i++)
        {
            float[] expected = probe.Model.RelativeEntropyPerLayer(images.Image(i).ToArray(), 1);
            CollectionAssert.AreEqual(expected, scored[i].RelativeEntropy);
            Assert.HasCount(2 * 36, scored[i].Reconstruction);
        }
        // The reconstruction from layer 1 is the model's own reconstruction of that image.
        using var x = TorchSharp.torch.tensor(images.Image(0).ToArray(), [1, 36]);
        using var all = probe.Model.ReconstructionsFromAllLayers(x);
        float[] layer1 = all.data<float>().ToArray().AsSpan(0, 36).ToArray();
        float[] layer3 = all.data<float>().ToArray().AsSpan(2 * 36, 36).ToArray();
        CollectionAssert.AreEqual(layer1, scored[0].Reconstruction.AsSpan(0, 36).ToArray());
        CollectionAssert.AreEqual(layer3, scored[0].Reconstruction.AsSpan(36, 36).ToArray());
        // A relative entropy (KL divergence) is finite and never negative.
        Assert.IsTrue(scored.All(s => s.RelativeEntropy.All(v => float.IsFinite(v) && v >= 0)));
    }

    [TestMethod]
    public void Transform_ParallelScoringOfManyRows_EqualsSingleThreadedScoring()
    {
        var ml = new MLContext(seed: 2);
        var images = MLNetFixtures.Images(400);
        var data = images.ToDataView();
        using var probe = ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions(2)).Fit(images.Take(120).ToDataView());

        // ML.NET splits the cursor over several threads for CreateEnumerable and GetColumn.
        var parallel = ml.Data.CreateEnumerable<Scored>(probe.Transform(data), reuseRowObject: false).ToList();
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        var many = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ =>
        {
            threads[Environment.CurrentManagedThreadId] = true;
            return ml.Data.CreateEnumerable<Scored>(probe.Transform(data), reuseRowObject: false).Select(s => s.RelativeEntropy).ToList();
        }).ToList();
        var engine = ml.Model.CreatePredictionEngine<Row, Scored>(probe);

        for (int i = 0; i < images.Count; i++)
        {
            var single = engine.Predict(new Row { Features = images.Image(i).ToArray() });
            CollectionAssert.AreEqual(single.RelativeEntropy, parallel[i].RelativeEntropy, $"row {i}");
            CollectionAssert.AreEqual(single.Reconstruction, parallel[i].Reconstruction, $"row {i}");
            foreach (var run in many)
            {
                CollectionAssert.AreEqual(single.RelativeEntropy, run[i], $"row {i}");
            }
        }
    }

    [TestMethod]
    public void Fit_WithoutReconstructionLayers_StillAddsAnEmptyReconstructionColumn()
    {
        var ml = new MLContext(seed: 4);
        var data = MLNetFixtures.Images(80).ToDataView();
        using var probe = ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions()).Fit(data);

        // The same row class as with layers: reading it no longer fails with "Could not find column 'Reconstruction'".
        var rows = ml.Data.CreateEnumerable<Scored>(probe.Transform(data), reuseRowObject: false).ToList();

        Assert.AreEqual("Reconstruction", probe.ReconstructionColumnName);
        Assert.HasCount(80, rows);
        Assert.IsTrue(rows.All(r => r.Reconstruction.Length == 0 && r.RelativeEntropy.Length == probe.Model.CurveLength));
        var shape = ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions()).GetOutputSchema(ShapeOf(data));
        Assert.IsTrue(shape.Any(c => c.Name == "Reconstruction"));
    }

    [TestMethod]
    public void ScoreBatched_EqualsRowByRowWithinFloatTolerance()
    {
        var ml = new MLContext(seed: 3);
        var data = MLNetFixtures.Images(100).ToDataView();
        using var probe = ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions()).Fit(data);

        var rows = ml.Data.CreateEnumerable<EntropyOnly>(probe.Transform(data), reuseRowObject: false).ToList();
        var batched = probe.ScoreBatched(data, batchSize: 32).ToList();

        Assert.HasCount(rows.Count, batched);
        for (int i = 0; i < rows.Count; i++)
        {
            for (int l = 0; l < batched[i].Length; l++)
            {
                Assert.AreEqual(rows[i].RelativeEntropy[l], batched[i][l], 1e-4f * Math.Max(1, Math.Abs(rows[i].RelativeEntropy[l])));
            }
        }
    }

    [TestMethod]
    public void Fit_SeedComesFromMLContext()
    {
        var data = MLNetFixtures.Images(80).ToDataView();
        float[] Fit(int seed)
        {
            var ml = new MLContext(seed: seed);
            var options = MLNetFixtures.ProbeOptions();
            using var probe = ml.Trainability().ReconstructionProbe(options).Fit(data);
            return [.. ml.Data.CreateEnumerable<EntropyOnly>(probe.Transform(data), false).First().RelativeEntropy, probe.Model.Options.Seed];
        }

        CollectionAssert.AreEqual(Fit(7), Fit(7));
        CollectionAssert.AreNotEqual(Fit(7), Fit(8));
    }

    [TestMethod]
    public void Fit_LogsToMLContextAndReportsProgress()
    {
        var ml = new MLContext(seed: 4);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) { messages.Add(e.Message); } };
        var reports = new List<ProbeProgress>();
        var options = MLNetFixtures.ProbeOptions();
        options.Progress = new SyncProgress<ProbeProgress>(reports.Add);

        using var probe = ml.Trainability().ReconstructionProbe(options).Fit(MLNetFixtures.Images(80).ToDataView());

        Assert.IsTrue(messages.Any(m => m.Contains("Reconstruction probe trained", StringComparison.Ordinal)), string.Join("\n", messages));
        Assert.IsTrue(reports.Any(r => r.Phase == ProbePhase.Training));
    }

    [TestMethod]
    public void Fit_Cancelled_ThrowsBeforeTraining()
    {
        var ml = new MLContext(seed: 5);
        var reports = new List<ProbeProgress>();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var options = MLNetFixtures.ProbeOptions();
        options.Progress = new SyncProgress<ProbeProgress>(reports.Add);
        options.CancellationToken = cts.Token;

        Assert.ThrowsExactly<OperationCanceledException>(() => ml.Trainability().ReconstructionProbe(options).Fit(MLNetFixtures.Images(80).ToDataView()));
        Assert.IsFalse(reports.Any(r => r.Phase == ProbePhase.Training));
    }

    [TestMethod]
    public void Fit_MissingColumn_ThrowsNamingColumnBeforeTraining()
    {
        var ml = new MLContext(seed: 6);
        var reports = new List<ProbeProgress>();
        var options = MLNetFixtures.ProbeOptions();
        options.InputColumnName = "Pixels";
        options.Progress = new SyncProgress<ProbeProgress>(reports.Add);

        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Trainability().ReconstructionProbe(options).Fit(MLNetFixtures.Images(80).ToDataView()));

        Assert.AreEqual("Pixels", ex.ParamName);
        Assert.Contains("vector of Single", ex.Message);
        Assert.IsEmpty(reports);
    }

    [TestMethod]
    public void Fit_WrongItemType_ThrowsNamingColumnAndExpectedType()
    {
        var ml = new MLContext(seed: 7);
        var reports = new List<ProbeProgress>();
        var options = MLNetFixtures.ProbeOptions();
        options.Progress = new SyncProgress<ProbeProgress>(reports.Add);
        var doubles = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new DoubleRow { Features = new double[36] }));

        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Trainability().ReconstructionProbe(options).Fit(doubles));

        Assert.AreEqual("Features", ex.ParamName);
        Assert.Contains("expected a vector of Single values", ex.Message);
        Assert.Contains("Double", ex.Message);
        Assert.IsEmpty(reports);
    }

    [TestMethod]
    public void Fit_UnknownActivation_ThrowsNamingOptionBeforeTraining()
    {
        var ml = new MLContext(seed: 8);
        var options = MLNetFixtures.ProbeOptions();
        options.Activation = "sigmoidish";

        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Trainability().ReconstructionProbe(options));

        Assert.AreEqual("Activation", ex.ParamName);
        Assert.Contains("tanh", ex.Message);
    }

    [TestMethod]
    public void Transform_WrongVectorSize_ThrowsNamingColumnAndSize()
    {
        var ml = new MLContext(seed: 9);
        using var probe = ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions()).Fit(MLNetFixtures.Images(80).ToDataView());
        var other = WhiteNoise.Generate(new ImageShape(1, 5, 5), 4, 10, seed: 1).ToDataView();

        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => probe.Transform(other));

        Assert.AreEqual("Features", ex.ParamName);
        Assert.Contains("expected a vector of 36 Single values, found a vector of 25", ex.Message);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => probe.GetOutputSchema(other.Schema));
    }

    [TestMethod]
    public void GetOutputSchema_ValidAndInvalidShapes()
    {
        var ml = new MLContext(seed: 10);
        var estimator = ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions(2));
        var valid = ml.Transforms.CopyColumns("Copy", "Features").GetOutputSchema(ShapeOf(MLNetFixtures.Images(2).ToDataView()));

        var output = estimator.GetOutputSchema(valid);

        Assert.IsTrue(output.Any(c => c.Name == "RelativeEntropy" && c.ItemType == NumberDataViewType.Single));
        Assert.IsTrue(output.Any(c => c.Name == "Reconstruction"));
        var scalar = ml.Transforms.CopyColumns("Features", "Label").GetOutputSchema(valid);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(scalar));
        Assert.AreEqual("Features", ex.ParamName);
    }

    internal static SchemaShape ShapeOf(IDataView data) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static, [typeof(DataViewSchema)])!
            .Invoke(null, [data.Schema])!;

    private sealed class DoubleRow
    {
        [VectorType(36)]
        public double[] Features { get; set; } = [];
    }
}

/// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value)
    {
        lock (this)
        {
            report(value);
        }
    }
}
