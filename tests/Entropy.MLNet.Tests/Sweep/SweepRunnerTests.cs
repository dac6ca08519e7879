#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Data;
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

/// <summary>Resume, crash recovery, shards and merge on a tiny sweep (width 32, depth 6, 200 training images, 3 σ_w²).</summary>
[TestClass]
[DoNotParallelize]
public sealed class SweepRunnerTests
{
    private static readonly string[] ComparedFiles = [SweepSettings.FileName, SweepRecord.FileName, SweepCurvePoint.FileName];
    private static TempDirectory s_root = null!;
    private static ImageDataset s_train = null!;
    private static ImageDataset s_test = null!;
    private static string s_reference = null!;

    internal static SweepSettings Tiny(SweepShard? shard = null) => new()
    {
        Dataset = "mnist",
        DatasetSource = "embedded",
        SigmaW2 = [0.5, 1.5, 3.0],
        SigmaB2 = [0.05],
        MaxDepth = 6,
        Width = "32",
        TrainSamples = 200,
        EntropySamples = 20,
        Seed = 7,
        Shard = shard,
    };

    private static readonly SweepRunOptions Options = new() { Device = Entropy.MLNet.Runtime.DeviceKind.Cpu, ReconstructionImages = 0 };

    [ClassInitialize]
    public static void Setup(TestContext context)
    {
        _ = context;
        s_root = new TempDirectory();
        s_train = DatasetCatalog.Load("mnist", "train").Take(400);
        s_test = DatasetCatalog.Load("mnist", "test").Take(100);
        s_reference = s_root.Sub("reference");
        SweepRunner.Run(Tiny(), s_train, s_test, s_reference, Options);
    }

    [ClassCleanup]
    public static void Cleanup() => s_root.Dispose();

    private static void AssertSameFiles(string expected, string actual)
    {
        foreach (string file in ComparedFiles)
        {
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(expected, file)), File.ReadAllBytes(Path.Combine(actual, file)), $"{file} differs");
        }
    }

    private static string CopyOfReference(string name)
    {
        string dir = s_root.Sub(name);
        Directory.CreateDirectory(dir);
        foreach (string file in Directory.GetFiles(s_reference))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }
        return dir;
    }

    [TestMethod]
    public void Run_Reference_OneRowPerConfigurationWithTheory()
    {
        var results = SweepResults.Load(s_reference);

        Assert.IsTrue(results.IsComplete);
        Assert.HasCount(3, results.Records);
        CollectionAssert.AreEqual(new[] { 0.5, 1.5, 3.0 }, results.Records.Select(r => r.SigmaW2).ToArray());
        Assert.HasCount(3 * 4, results.Curves); // depth 6 → curve layers 1..4
        Assert.AreEqual(0.759032, Entropy.MLNet.Theory.MeanFieldTheory.Tanh.Evaluate(1.0, 0.05).Chi1, 1e-6); // sanity of the theory used
        SweepRecord chaotic = results.Records[2];
        Assert.AreEqual(TrainabilityVerdict.Chaotic, chaotic.Phase);
        Assert.AreEqual(9.051, chaotic.XiC!.Value, 1e-3);
        Assert.AreEqual(6 * chaotic.XiC.Value, chaotic.SixXiC!.Value, 1e-12);
        Assert.AreEqual(TrainabilityVerdict.Ordered, results.Records[0].Phase);
        Assert.IsNull(results.Records[0].GtMaxTrainableDepth);
        Assert.AreEqual(SweepSeeds.Configuration(7, 1.5, 0.05), results.Records[1].Seed);
        Assert.IsFalse(File.Exists(Path.Combine(s_reference, GroundTruthRecord.FileName)));
        Assert.HasCount(3, results.Timings);
    }

    [TestMethod]
    public void Run_CancelledMidSweepThenRerun_ByteIdenticalToUninterrupted()
    {
        string dir = s_root.Sub("cancelled");
        using var cts = new CancellationTokenSource();
        var progress = new Callback(p =>
        {
            if (p.Finished is not null)
            {
                cts.Cancel();
            }
        });

        Assert.ThrowsExactly<OperationCanceledException>(() => SweepRunner.Run(Tiny(), s_train, s_test, dir, Options, progress, cts.Token));
        Assert.HasCount(1, SweepResults.Load(dir).Records);
        var summary = SweepRunner.Run(Tiny(), s_train, s_test, dir, Options);

        Assert.AreEqual(1, summary.Resumed);
        Assert.AreEqual(2, summary.Ran);
        AssertSameFiles(s_reference, dir);
    }

    [TestMethod]
    public void Run_KilledWhileWritingRow_RecoversAndMatches()
    {
        // What kill -9 can leave: the last results row cut short (its curve rows orphaned) and a half-written curve line.
        string dir = CopyOfReference("killed");
        string results = Path.Combine(dir, SweepRecord.FileName);
        byte[] bytes = File.ReadAllBytes(results);
        File.WriteAllBytes(results, bytes[..^7]);
        File.AppendAllText(Path.Combine(dir, SweepCurvePoint.FileName), "3,0.05,5,0.12");

        var summary = SweepRunner.Run(Tiny(), s_train, s_test, dir, Options);

        Assert.AreEqual(2, summary.Resumed);
        Assert.AreEqual(1, summary.Ran);
        Assert.HasCount(2, summary.Recovered);
        AssertSameFiles(s_reference, dir);
    }

    [TestMethod]
    public void Run_OrphanCurveRowsWithoutResultsRow_Dropped()
    {
        string dir = CopyOfReference("orphans");
        string results = Path.Combine(dir, SweepRecord.FileName);
        string[] lines = File.ReadAllLines(results);
        File.WriteAllText(results, string.Join("\n", lines[..^1]) + "\n"); // the crash hit between curves and results

        SweepRunner.Run(Tiny(), s_train, s_test, dir, Options);

        AssertSameFiles(s_reference, dir);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Run_CurvesDeletedOrCut_RecomputedOnResume(bool deleted)
    {
        // A result without its curve: curves.csv deleted, or cut inside the second configuration's curve.
        string dir = CopyOfReference(deleted ? "curves-deleted" : "curves-cut");
        string curves = Path.Combine(dir, SweepCurvePoint.FileName);
        if (deleted)
        {
            File.Delete(curves);
        }
        else
        {
            File.WriteAllLines(curves, File.ReadAllLines(curves)[..6]);
        }

        var summary = SweepRunner.Run(Tiny(), s_train, s_test, dir, Options);

        Assert.AreEqual(0, summary.Ran);
        Assert.AreEqual(3, summary.Resumed);
        Assert.Contains($"curves.csv: the curve of {(deleted ? 3 : 2)} finished configuration(s) was missing or incomplete; recomputed", summary.Recovered);
        AssertSameFiles(s_reference, dir);
    }

    [TestMethod]
    public void Run_ResultsWrittenBeforeTheDivergenceColumn_ResumedAndUpgraded()
    {
        // A results file of the previous format (no divergenceLayer column) with one configuration still to run.
        string dir = CopyOfReference("old-format");
        string results = Path.Combine(dir, SweepRecord.FileName);
        string[] lines = File.ReadAllLines(results);
        Assert.AreEqual(string.Join(',', SweepRecord.Header), lines[0]);
        File.WriteAllText(results, string.Concat(lines[..^1].Select(l => l[..l.LastIndexOf(',')] + "\n")));
        Assert.HasCount(2, SweepResults.Load(dir).Records, "readable as it is");

        var summary = SweepRunner.Run(Tiny(), s_train, s_test, dir, Options);

        Assert.AreEqual(2, summary.Resumed);
        Assert.AreEqual(1, summary.Ran);
        Assert.IsTrue(summary.Recovered.Any(r => r.Contains("divergenceLayer", StringComparison.Ordinal)), string.Join("; ", summary.Recovered));
        AssertSameFiles(s_reference, dir);
    }

    [TestMethod]
    public void Run_PictureMissingOrEmpty_RedrawnOnResume()
    {
        string dir = s_root.Sub("pictures");
        var withPictures = Options with { ReconstructionImages = 2, ReconstructionWriter = (path, r) => Entropy.MLNet.Reporting.ReconstructionGrid.Write(path, r) };
        SweepRunner.Run(Tiny(), s_train, s_test, dir, withPictures);
        string recon = Path.Combine(dir, "recon");
        string[] pictures = [.. Directory.GetFiles(recon).Order(StringComparer.Ordinal)];
        Assert.HasCount(3, pictures);
        byte[][] originals = [.. pictures.Select(File.ReadAllBytes)];
        File.WriteAllBytes(pictures[0], []); // what kill -9 left while pictures were written in place
        File.Delete(pictures[1]);

        var summary = SweepRunner.Run(Tiny(), s_train, s_test, dir, withPictures);

        Assert.AreEqual(0, summary.Ran);
        Assert.AreEqual(2, summary.Recovered.Count(r => r.EndsWith("was missing or empty; redrawn", StringComparison.Ordinal)), string.Join("; ", summary.Recovered));
        for (int i = 0; i < pictures.Length; i++)
        {
            CollectionAssert.AreEqual(originals[i], File.ReadAllBytes(pictures[i]), pictures[i]);
        }
        CollectionAssert.AreEqual(pictures, Directory.GetFiles(recon).Order(StringComparer.Ordinal).ToArray(), "no temp file left");
    }

    [TestMethod]
    public void Run_ReluThatOverflows_RecordsDivergenceAndNoTrainableDepthFromIt()
    {
        string dir = s_root.Sub("diverging");
        var settings = Tiny() with { Activation = "relu", SigmaW2 = [1.0, 1e30] };

        var summary = SweepRunner.Run(settings, s_train, s_test, dir, Options);

        var loaded = SweepResults.Load(dir);
        SweepRecord finite = loaded.Record(1.0, 0.05)!;
        SweepRecord diverging = loaded.Record(1e30, 0.05)!;
        Assert.IsNull(finite.DivergenceLayer);
        Assert.IsNotNull(diverging.DivergenceLayer, "results.csv records the divergence");
        int layer = diverging.DivergenceLayer.Value;
        Assert.IsLessThan(layer, diverging.Cutoff);
        for (int depth = layer; depth <= settings.MaxDepth; depth++)
        {
            Assert.IsFalse(diverging.PredictedTrainable(depth), $"depth {depth}");
            Assert.IsLessThan(0.5, diverging.Score(depth), $"depth {depth}");
        }
        Assert.AreEqual(layer, summary.Records.Single(r => r.SigmaW2 == 1e30).DivergenceLayer);
        Assert.IsTrue(loaded.Curve(1e30, 0.05).Where(p => p.Layer >= layer).All(p => float.IsNaN(p.NormalizedMedian)), "curves.csv keeps what was measured: NaN");
        // Agreement (with a stand-in ground truth: nothing trains) counts no depth from the divergence on as predicted trainable.
        var report = Agreement.Compute([diverging with { GtMaxTrainableDepth = 0, GtTestAccuracy = 0.1 }], [.. Enumerable.Range(layer, settings.MaxDepth - layer + 1)]);
        Assert.AreEqual(0, report.Probe.FalsePositives);
    }

    [TestMethod]
    public void Run_ShardsMerged_ByteIdenticalToUnsharded()
    {
        string s0 = s_root.Sub("shard0");
        string s1 = s_root.Sub("shard1");
        SweepRunner.Run(Tiny(new SweepShard(0, 2)), s_train, s_test, s0, Options);
        SweepRunner.Run(Tiny(new SweepShard(1, 2)), s_train, s_test, s1, Options);
        Assert.HasCount(2, SweepResults.Load(s0).Records);
        Assert.HasCount(1, SweepResults.Load(s1).Records);

        string merged = s_root.Sub("merged");
        var summary = SweepMerger.Merge([s1, s0], merged);

        Assert.AreEqual(3, summary.Configurations);
        Assert.AreEqual(0, summary.Missing);
        AssertSameFiles(s_reference, merged);

        var dup = Assert.ThrowsExactly<ArgumentException>(() => SweepMerger.Merge([s0, s_reference], s_root.Sub("dup")));
        StringAssert.Contains(dup.Message, s0);
        StringAssert.Contains(dup.Message, s_reference);
        StringAssert.Contains(dup.Message, "in both");
        Assert.ThrowsExactly<ArgumentException>(() => SweepMerger.Merge([s0, s1], merged)); // output already holds results
    }

    [TestMethod]
    public void Merge_DifferentSettings_RefusedNamingDirectoriesAndSetting()
    {
        string other = s_root.Sub("other-depth");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, SweepSettings.FileName), (Tiny() with { MaxDepth = 7 }).ToJson());

        var ex = Assert.ThrowsExactly<ArgumentException>(() => SweepMerger.Merge([s_reference, other], s_root.Sub("never")));

        StringAssert.Contains(ex.Message, s_reference);
        StringAssert.Contains(ex.Message, other);
        StringAssert.Contains(ex.Message, "maxDepth (6 vs 7)");
        Assert.IsFalse(Directory.Exists(s_root.Sub("never")));
    }

    [TestMethod]
    public void Run_DifferentSettingsInDirectory_RefusedAndNothingTouched()
    {
        string dir = CopyOfReference("mismatch");
        byte[] before = File.ReadAllBytes(Path.Combine(dir, SweepRecord.FileName));

        var ex = Assert.ThrowsExactly<ArgumentException>(() => SweepRunner.Run(Tiny() with { SigmaW2 = [0.5, 2.0], Seed = 8 }, s_train, s_test, dir, Options));
        var shard = Assert.ThrowsExactly<ArgumentException>(() => SweepRunner.Run(Tiny(new SweepShard(0, 2)), s_train, s_test, dir, Options));

        StringAssert.Contains(ex.Message, "sigmaW2 ([0.5,1.5,3] vs [0.5,2])");
        StringAssert.Contains(ex.Message, "seed (7 vs 8)");
        StringAssert.Contains(shard.Message, "shard 0/2");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(Path.Combine(dir, SweepRecord.FileName)));
    }

    [TestMethod]
    public void Run_OtherModeInDirectory_RefusedWithTheFlagThatResumesIt()
    {
        string dir = CopyOfReference("mode-mix");
        byte[] before = File.ReadAllBytes(Path.Combine(dir, SweepRecord.FileName));

        var ex = Assert.ThrowsExactly<ArgumentException>(() => SweepRunner.Run(Tiny() with { Mode = SweepSettings.AdaptiveMode }, s_train, s_test, dir, Options));

        StringAssert.Contains(ex.Message, "mode (\"faithful\" vs \"adaptive\")");
        StringAssert.Contains(ex.Message, "entropy sweep --faithful");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(Path.Combine(dir, SweepRecord.FileName)));
    }

    [TestMethod]
    public void Settings_WithoutMode_ReadAsFaithful_AndMergeRefusesAMix()
    {
        string json = Tiny().ToJson();
        StringAssert.Contains(json, "\"mode\": \"faithful\"");
        string old = json.Replace("  \"mode\": \"faithful\",\n", string.Empty, StringComparison.Ordinal);
        Assert.AreNotEqual(json, old, "the old format has no mode line");
        Assert.AreEqual(Tiny(), SweepSettings.FromJson(old));

        string adaptive = s_root.Sub("adaptive-settings");
        Directory.CreateDirectory(adaptive);
        File.WriteAllText(Path.Combine(adaptive, SweepSettings.FileName), (Tiny() with { Mode = SweepSettings.AdaptiveMode }).ToJson());
        var ex = Assert.ThrowsExactly<ArgumentException>(() => SweepMerger.Merge([s_reference, adaptive], s_root.Sub("never-mixed")));
        StringAssert.Contains(ex.Message, "mode");
        Assert.ThrowsExactly<ArgumentException>(() => (Tiny() with { Mode = "fast" }).Validate());
    }

    private static readonly TrainabilityCalibration Quick = TrainabilityCalibration.ForProbe(5000, 1);

    /// <summary>The reference's settings.json as a directory written with the quick preset's calibration would hold it.</summary>
    private static string WithQuickCalibration(string name)
    {
        string dir = CopyOfReference(name);
        File.WriteAllText(Path.Combine(dir, SweepSettings.FileName), (Tiny() with { Calibration = SweepCalibration.Of(Quick) }).ToJson());
        return dir;
    }

    [TestMethod]
    public void Settings_RecordTheCalibrationOfTheBudget_AndWithoutItReadAsThatOne()
    {
        Assert.AreNotEqual(TrainabilityCalibration.Default.Name, Quick.Name);
        string written = File.ReadAllText(Path.Combine(s_reference, SweepSettings.FileName));
        StringAssert.Contains(written, $"\"name\": \"{TrainabilityCalibration.Default.Name}\"");
        StringAssert.Contains(written, $"\"predictor\": \"{CalibratedPrediction.ProductName}\"");
        Assert.AreEqual(TrainabilityCalibration.Default.Provenance, SweepSettings.FromJson(written).Calibration!.Provenance);
        Assert.AreEqual(SweepCalibration.Of(Quick), (Tiny() with { TrainSamples = 5000, Epochs = 1 }).Calibration, "the quick preset's budget records its calibration");
        Assert.IsNull((Tiny() with { Architecture = "cnn", Channels = 4 }).Calibration, "no calibration for the CNN");
        Assert.DoesNotContain("calibration", (Tiny() with { Architecture = "cnn", Channels = 4 }).ToJson());

        // A directory written before the field: its predictions were always computed at read time with the budget's calibration.
        var node = System.Text.Json.Nodes.JsonNode.Parse(written)!.AsObject();
        Assert.IsTrue(node.Remove("calibration"));
        SweepSettings old = SweepSettings.FromJson(node.ToJsonString());
        Assert.AreEqual(SweepCalibration.Of(TrainabilityCalibration.Default), old.Calibration);
        Assert.AreEqual(Tiny(), old);
        string dir = CopyOfReference("calibration-old");
        File.WriteAllText(Path.Combine(dir, SweepSettings.FileName), node.ToJsonString(SweepSettings.JsonOptions));
        SweepRunner.Run(Tiny(), s_train, s_test, dir, Options); // resumes: nothing left to run, nothing refused
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(s_reference, SweepRecord.FileName)), File.ReadAllBytes(Path.Combine(dir, SweepRecord.FileName)));
        Assert.AreSame(TrainabilityCalibration.Default, SweepPredictions.CalibrationFor(SweepResults.Load(dir).Settings));
    }

    [TestMethod]
    public void Run_OtherCalibrationInDirectory_RefusedNamingTheDirectorysCalibration()
    {
        string dir = WithQuickCalibration("calibration-mix");
        byte[] before = File.ReadAllBytes(Path.Combine(dir, SweepRecord.FileName));

        var ex = Assert.ThrowsExactly<ArgumentException>(() => SweepRunner.Run(Tiny(), s_train, s_test, dir, Options));

        StringAssert.Contains(ex.Message, $"calibration ('{Quick.Name}'");
        StringAssert.Contains(ex.Message, $"This directory's predictions use the calibration '{Quick.Name}'");
        StringAssert.Contains(ex.Message, $"this version of Entropy.MLNet uses '{TrainabilityCalibration.Default.Name}'");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(Path.Combine(dir, SweepRecord.FileName)));
        // Read back, the directory's predictions come from the calibration it names.
        Assert.AreSame(Quick, SweepPredictions.CalibrationFor(SweepResults.Load(dir).Settings));
        // A new sweep cannot choose another calibration than its budget's.
        var invalid = Assert.ThrowsExactly<ArgumentException>(() => (Tiny() with { Calibration = SweepCalibration.Of(Quick) }).Validate());
        Assert.AreEqual("Calibration", invalid.ParamName);
    }

    [TestMethod]
    public void Merge_OtherCalibration_RefusedNamingBoth()
    {
        string quick = WithQuickCalibration("calibration-merge");

        var ex = Assert.ThrowsExactly<ArgumentException>(() => SweepMerger.Merge([s_reference, quick], s_root.Sub("never-calibrated")));

        StringAssert.Contains(ex.Message, quick);
        StringAssert.Contains(ex.Message, $"calibration ('{TrainabilityCalibration.Default.Name}'");
        StringAssert.Contains(ex.Message, $"vs '{Quick.Name}'");
        Assert.IsFalse(Directory.Exists(s_root.Sub("never-calibrated")));
    }

    [TestMethod]
    public void Run_GarbageLineInResults_RefusedWithLineAndNothingLost()
    {
        string dir = CopyOfReference("garbage");
        string results = Path.Combine(dir, SweepRecord.FileName);
        string[] lines = File.ReadAllLines(results);
        lines[2] = "#garbage#";
        File.WriteAllText(results, string.Join("\n", lines) + "\n");
        byte[] before = File.ReadAllBytes(results);

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SweepRunner.Run(Tiny(), s_train, s_test, dir, Options));

        StringAssert.Contains(ex.Message, "results.csv: line 3");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(results));
    }

    [TestMethod]
    public void Run_InvalidSettings_ThrowBeforeWriting()
    {
        string dir = s_root.Sub("invalid");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SweepRunner.Run(Tiny() with { SigmaW2 = [0.0, 1.0] }, s_train, s_test, dir, Options));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SweepRunner.Run(Tiny() with { SigmaB2 = [-0.1] }, s_train, s_test, dir, Options));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SweepRunner.Run(Tiny() with { MaxDepth = 1 }, s_train, s_test, dir, Options));
        Assert.ThrowsExactly<ArgumentException>(() => SweepRunner.Run(Tiny() with { SigmaW2 = [] }, s_train, s_test, dir, Options));
        Assert.ThrowsExactly<ArgumentException>(() => SweepRunner.Run(Tiny() with { SigmaW2 = [2.0, 1.0] }, s_train, s_test, dir, Options));
        Assert.IsFalse(Directory.Exists(dir));
    }

    [TestMethod]
    public void Run_UnwritableOutput_IOExceptionNamingDirectory()
    {
        string file = s_root.Sub("a-file");
        File.WriteAllText(file, "x");
        string dir = Path.Combine(file, "sub");

        var ex = Assert.ThrowsExactly<IOException>(() => SweepRunner.Run(Tiny(), s_train, s_test, dir, Options));

        StringAssert.Contains(ex.Message, dir);
    }

    [TestMethod]
    public void Run_GroundTruth_SearchRowsAndColumns()
    {
        string dir = s_root.Sub("truth");
        var settings = Tiny() with
        {
            SigmaW2 = [1.5],
            MaxDepth = 4,
            GroundTruth = new GroundTruthSettings { Epochs = 1, Threshold = 0.3, LearningRate = 0.05, TrainSamples = 400 },
        };

        SweepRunner.Run(settings, s_train, s_test, dir, Options);
        var results = SweepResults.Load(dir);

        SweepRecord record = results.Records.Single();
        Assert.IsNotNull(record.GtMaxTrainableDepth);
        Assert.IsNotNull(record.GtTestAccuracy);
        Assert.IsNotEmpty(results.GroundTruth);
        Assert.IsTrue(results.GroundTruth.All(g => g.SigmaW2 == 1.5 && g.Epochs == 1));
        // Bisection: the deepest trainable trial is the reported depth (0 when none trained).
        int expected = results.GroundTruth.Where(g => g.Trainable).Select(g => g.Depth).DefaultIfEmpty(0).Max();
        Assert.AreEqual(expected, record.GtMaxTrainableDepth);
    }

    private sealed class Callback(Action<SweepProgress> action) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => action(value);
    }
}
