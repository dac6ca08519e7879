#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.MLNet;
using Entropy.MLNet.ModelHost;
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Theory;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.Tests.MLNet;

[TestClass]
public sealed class TrainabilitySweepTests
{
    private static TrainabilitySweepTransformer s_sweep = null!;
    private static string s_dir = "";

    internal static TrainabilitySweepOptions Options() => new()
    {
        SigmaW2 = [0.5, 1.5, 3.0],
        SigmaB2 = [0.05],
        ProbeDepth = 8,
        Width = "16",
        EntropySamples = 20,
        BatchSize = 32,
        Device = Entropy.MLNet.Runtime.DeviceKind.Cpu,
    };

    [ClassInitialize]
    public static void FitSweep(TestContext context)
    {
        s_dir = MLNetFixtures.TempDirectory("sweep");
        var ml = new MLContext(seed: 21);
        s_sweep = ml.Trainability().Sweep(Options()).Fit(MLNetFixtures.Images(140).ToDataView());
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

    private sealed class Prediction
    {
        public float Cutoff { get; set; }

        public float[] EntropyCurve { get; set; } = [];

        public float ProbeScore { get; set; }

        public bool PredictedLabel { get; set; }

        public float XiC { get; set; }
    }

    private sealed class ConfigurationWithActivation
    {
        public float SigmaW2 { get; set; }

        public float SigmaB2 { get; set; }

        public int Depth { get; set; }

        public string Activation { get; set; } = "tanh";
    }

    [TestMethod]
    public void Fit_RunsOneProbePerGridPoint()
    {
        Assert.HasCount(3, s_sweep.Table.Points);
        Assert.AreEqual(6, s_sweep.Table.CurveLength);
        CollectionAssert.AreEqual(new[] { 0.5, 1.5, 3.0 }, s_sweep.Table.Points.Select(p => p.SigmaW2).ToArray());
        Assert.IsTrue(s_sweep.Table.Points.All(p => p.Curve.Length == 6 && p.Cutoff >= 0 && p.Cutoff <= 6));
    }

    [TestMethod]
    public void Transform_GridPoint_GivesThatPointsCutoffCurveAndScore()
    {
        var ml = new MLContext();
        var point = s_sweep.Table.Points[1];
        var configs = ml.Data.LoadFromEnumerable(new[]
        {
            new ConfigurationInput { SigmaW2 = 1.5f, SigmaB2 = 0.05f, Depth = 3 },
            new ConfigurationInput { SigmaW2 = 1.5f, SigmaB2 = 0.05f, Depth = 1000 },
        });

        var rows = ml.Data.CreateEnumerable<Prediction>(s_sweep.Transform(configs), reuseRowObject: false).ToList();

        Assert.AreEqual(point.Cutoff, rows[0].Cutoff);
        CollectionAssert.AreEqual(point.Curve, rows[0].EntropyCurve);
        Assert.AreEqual((float)TrainabilityScore.Score(point.Cutoff, 3), rows[0].ProbeScore);
        Assert.AreEqual(3 <= point.Cutoff, rows[0].PredictedLabel);
        Assert.IsFalse(rows[1].PredictedLabel);
        Assert.IsLessThan(0.5f, rows[1].ProbeScore);
        Assert.AreEqual((float)MeanFieldTheory.Tanh.Evaluate(1.5f, 0.05f).XiC, rows[0].XiC);
    }

    [TestMethod]
    public void Predict_BetweenGridPoints_InterpolatesLinearlyAlongSigmaW2()
    {
        var a = s_sweep.Table.Points[1];
        var b = s_sweep.Table.Points[2];

        var p = s_sweep.Predict(2.25, 0.05, 4);

        Assert.AreEqual((a.Cutoff + b.Cutoff) / 2f, p.Cutoff, 1e-5f);
        for (int i = 0; i < p.EntropyCurve.Length; i++)
        {
            Assert.AreEqual((a.Curve[i] + b.Curve[i]) / 2f, p.EntropyCurve[i], 1e-5f * Math.Max(1, Math.Abs(a.Curve[i])));
        }
    }

    [TestMethod]
    [DataRow(0.25, 0.05, "SigmaW2", "outside the fitted grid's range [0.5, 3]")]
    [DataRow(3.5, 0.05, "SigmaW2", "outside the fitted grid's range")]
    [DataRow(1.0, 0.1, "SigmaB2", "not in the fitted grid")]
    public void Predict_OutsideTheGrid_ThrowsNamingTheColumn(double sigmaW2, double sigmaB2, string column, string message)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_sweep.Predict(sigmaW2, sigmaB2, 5));

        Assert.AreEqual(column, ex.ParamName);
        Assert.Contains(message, ex.Message);
    }

    [TestMethod]
    public void Transform_OutsideTheGrid_FailsWithTheClearMessageInside()
    {
        var ml = new MLContext();
        var configs = ml.Data.LoadFromEnumerable(new[] { new ConfigurationInput { SigmaW2 = 9f, SigmaB2 = 0.05f, Depth = 3 } });

        var ex = Assert.Throws<Exception>(() => ml.Data.CreateEnumerable<Prediction>(s_sweep.Transform(configs), false).ToList());

        Exception? inner = ex;
        while (inner is not ArgumentOutOfRangeException && inner?.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        Assert.IsInstanceOfType<ArgumentOutOfRangeException>(inner);
        Assert.Contains("outside the fitted grid", inner.Message);
    }

    [TestMethod]
    public void Transform_OutsideTheGrid_PrintsTheFloatColumnsValuesAsTyped()
    {
        var ml = new MLContext();
        var b = ml.Data.LoadFromEnumerable(new[] { new ConfigurationInput { SigmaW2 = 1.1f, SigmaB2 = 0.07f, Depth = 3 } });
        var w = ml.Data.LoadFromEnumerable(new[] { new ConfigurationInput { SigmaW2 = 3.3f, SigmaB2 = 0.05f, Depth = 3 } });

        string mb = Root(Assert.Throws<Exception>(() => ml.Data.CreateEnumerable<Prediction>(s_sweep.Transform(b), false).ToList())).Message;
        string mw = Root(Assert.Throws<Exception>(() => ml.Data.CreateEnumerable<Prediction>(s_sweep.Transform(w), false).ToList())).Message;

        Assert.Contains("σ_b² = 0.07 is not in the fitted grid (σ_b² values: 0.05)", mb);
        Assert.Contains("σ_w² = 3.3 is outside the fitted grid's range [0.5, 3] (σ_b² = 0.05, tanh)", mw);
        Assert.DoesNotContain("0.0700000", mb);
        Assert.DoesNotContain("3.29999", mw);
        Assert.DoesNotContain("0.0500000", mw);
    }

    [TestMethod]
    public void Transform_ColumnsFollowMLNetNames()
    {
        var ml = new MLContext();
        var labelled = TrainabilityPredictorTests.Labelled().Where(c => c.SigmaW2 <= 3f).ToList();
        IDataView swept = s_sweep.Transform(ml.Data.LoadFromEnumerable(labelled));

        var names = Enumerable.Range(0, swept.Schema.Count).Select(i => swept.Schema[i].Name).ToList();

        CollectionAssert.IsSubsetOf(new[] { "Cutoff", "EntropyCurve", "ProbeScore", "PredictedLabel", "XiC" }, names);
        CollectionAssert.DoesNotContain(names, "Score");
        CollectionAssert.DoesNotContain(names, "PredictedTrainable");
        var rows = ml.Data.CreateEnumerable<Prediction>(swept, false).ToList();
        Assert.IsTrue(rows.Zip(labelled).All(p => p.First.PredictedLabel == (p.First.Cutoff >= p.Second.Depth)));
        Assert.IsTrue(rows.All(r => r.PredictedLabel == (r.ProbeScore > 0.5f)));
    }

    [TestMethod]
    public void Sweep_AppendedToAnImagePipeline_FailsBeforeFittingWithTheContract()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<TrainabilitySweepProgress>();
        var options = Options();
        options.Progress = new SyncProgress<TrainabilitySweepProgress>(reports.Add);
        var images = MLNetFixtures.Images(60).ToDataView();
        var pipeline = ml.Transforms.CopyColumns("Copy", "Features").Append(ml.Trainability().Sweep(options));

        var e1 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pipeline.Fit(images));
        var e2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_sweep.Transform(images));

        Assert.IsEmpty(reports, "nothing was fitted");
        foreach (var ex in new[] { e1, e2 })
        {
            Assert.AreEqual("SigmaW2", ex.ParamName);
            Assert.Contains("transforms configurations", ex.Message);
            Assert.Contains("not the images it is fitted on", ex.Message);
            Assert.Contains(".Append", ex.Message);
        }
    }

    private static Exception Root(Exception ex)
    {
        while (ex is not ArgumentOutOfRangeException && ex.InnerException is { } inner)
        {
            ex = inner;
        }
        return ex;
    }

    [TestMethod]
    public void Transform_ActivationColumn_IsUsedAndUnknownOneRejected()
    {
        var ml = new MLContext();
        var good = ml.Data.LoadFromEnumerable(new[] { new ConfigurationWithActivation { SigmaW2 = 1.5f, SigmaB2 = 0.05f, Depth = 2, Activation = "tanh" } });
        var row = ml.Data.CreateEnumerable<Prediction>(s_sweep.Transform(good), false).Single();
        Assert.AreEqual(s_sweep.Table.Points[1].Cutoff, row.Cutoff);

        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_sweep.Predict(1.5, 0.05, 2, "relu"));
        Assert.AreEqual("Activation", ex.ParamName);
    }

    [TestMethod]
    public void Transform_WrongColumnTypes_ThrowNamingColumnAndType()
    {
        var ml = new MLContext();
        var doubles = ml.Data.LoadFromEnumerable(new[] { new { SigmaW2 = 1.0, SigmaB2 = 0.05f, Depth = 3 } });
        var floatDepth = ml.Data.LoadFromEnumerable(new[] { new { SigmaW2 = 1.0f, SigmaB2 = 0.05f, Depth = 3f } });
        var missing = ml.Data.LoadFromEnumerable(new[] { new { SigmaW2 = 1.0f, Depth = 3 } });

        var e1 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_sweep.Transform(doubles));
        var e2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_sweep.GetOutputSchema(floatDepth.Schema));
        var e3 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_sweep.Transform(missing));

        Assert.AreEqual("SigmaW2", e1.ParamName);
        Assert.Contains("expected a scalar Single, found Double", e1.Message);
        Assert.AreEqual("Depth", e2.ParamName);
        Assert.Contains("Int32", e2.Message);
        Assert.AreEqual("SigmaB2", e3.ParamName);
        Assert.Contains("was not found", e3.Message);
    }

    [TestMethod]
    public void Fit_BadOptionsOrImageColumn_ThrowBeforeAnyProbe()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<TrainabilitySweepProgress>();
        var options = Options();
        options.Progress = new SyncProgress<TrainabilitySweepProgress>(reports.Add);
        options.InputColumnName = "Image";
        var unknown = Options();
        unknown.Activations = ["tanh", "swishy"];

        var e1 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Trainability().Sweep(options).Fit(MLNetFixtures.Images(60).ToDataView()));
        var e2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Trainability().Sweep(unknown));

        Assert.AreEqual("Image", e1.ParamName);
        Assert.IsEmpty(reports);
        Assert.AreEqual("Activations", e2.ParamName);
    }

    [TestMethod]
    public void Fit_ReportsProgressPerGridPointAndLogs_AndHonoursCancellation()
    {
        var ml = new MLContext(seed: 2);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) { messages.Add(e.Message); } };
        var reports = new List<TrainabilitySweepProgress>();
        var options = Options();
        options.SigmaW2 = [1.0, 2.0];
        options.Progress = new SyncProgress<TrainabilitySweepProgress>(reports.Add);

        var sweep = ml.Trainability().Sweep(options).Fit(MLNetFixtures.Images(80).ToDataView());

        Assert.HasCount(2, sweep.Table.Points);
        CollectionAssert.AreEqual(new[] { 1, 2 }, reports.Where(r => r.Probe is null).Select(r => r.Done).ToArray());
        Assert.IsTrue(reports.Any(r => r.Probe is { Phase: Entropy.MLNet.Probe.ProbePhase.Training }));
        Assert.IsTrue(messages.Any(m => m.Contains("Trainability sweep: 2 grid points", StringComparison.Ordinal)), string.Join("\n", messages));

        using var cts = new CancellationTokenSource();
        var cancelled = Options();
        cancelled.CancellationToken = cts.Token;
        cancelled.Progress = new SyncProgress<TrainabilitySweepProgress>(r => { if (r.Probe is { Phase: Entropy.MLNet.Probe.ProbePhase.Training, Batch: > 0 }) { cts.Cancel(); } });
        Assert.ThrowsExactly<OperationCanceledException>(() => ml.Trainability().Sweep(cancelled).Fit(MLNetFixtures.Images(80).ToDataView()));
    }

    [TestMethod]
    public void PredictionEngine_EqualsBatchScoring()
    {
        var ml = new MLContext();
        var configs = Enumerable.Range(0, 40).Select(i => new ConfigurationInput { SigmaW2 = 0.5f + (i * 0.0625f), SigmaB2 = 0.05f, Depth = 1 + (i % 9) }).ToArray();
        var batch = ml.Data.CreateEnumerable<Prediction>(s_sweep.Transform(ml.Data.LoadFromEnumerable(configs)), false).ToList();
        var engine = ml.Model.CreatePredictionEngine<ConfigurationInput, Prediction>(s_sweep);

        for (int i = 0; i < configs.Length; i++)
        {
            var one = engine.Predict(configs[i]);
            Assert.AreEqual(batch[i].Cutoff, one.Cutoff);
            Assert.AreEqual(batch[i].ProbeScore, one.ProbeScore);
            CollectionAssert.AreEqual(batch[i].EntropyCurve, one.EntropyCurve);
        }
    }

    [TestMethod]
    public void SaveLoad_ChildProcess_ReproducesEveryOutputExactly()
    {
        var ml = new MLContext();
        var configs = new List<ConfigurationInput>
        {
            new() { SigmaW2 = 0.5f, SigmaB2 = 0.05f, Depth = 2 },
            new() { SigmaW2 = 1.2f, SigmaB2 = 0.05f, Depth = 5 },
            new() { SigmaW2 = 2.9f, SigmaB2 = 0.05f, Depth = 40 },
        };
        IDataView view = ml.Data.LoadFromEnumerable(configs);
        string path = Path.Combine(s_dir, "sweep.zip");
        TrainabilityModel.Save(ml, s_sweep, view.Schema, path);
        var before = MLNetFixtures.Columns(s_sweep.Transform(view));

        var fresh = TrainabilityModel.Load(new MLContext(), path, out _);
        var after = MLNetFixtures.Columns(fresh.Transform(view));
        var child = MLNetFixtures.RunHost("configurations", path, configs, s_dir);

        foreach (var key in new[] { "Cutoff", "EntropyCurve", "ProbeScore", "PredictedLabel", "XiC" })
        {
            Assert.AreEqual(before[key].GetRawText(), after[key].GetRawText(), key);
            Assert.AreEqual(before[key].GetRawText(), child[key].GetRawText(), key);
        }
    }
}
