#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Data;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

[TestClass]
public sealed class GroundTruthRunnerTests
{
    private static readonly ImageDataset Train = DatasetCatalog.Load("mnist", "train");
    private static readonly ImageDataset Test = DatasetCatalog.Load("mnist", "test");

    // Tiny but real: width 8, depths 2..6, 20 steps on 300 images; threshold 0.2 so that some depths train and some do not.
    private static GroundTruthSetSettings Tiny() => new()
    {
        Dataset = "mnist",
        DatasetSource = "embedded",
        SigmaW2 = [0.5, 1.5, 3.0],
        Width = "8",
        Steps = 20,
        EvaluateEvery = 10,
        Threshold = 0.2,
        TrainSamples = 300,
        TestSamples = 100,
        MaxDepth = 6,
        Seed = 3,
    };

    private static GroundTruthSet Run(GroundTruthSetSettings settings, string dir, List<GroundTruthSetProgress>? reports = null)
        => GroundTruthRunner.Run(settings, Train, Test, dir, DeviceKind.Cpu, 1, reports is null ? null : new Collect(reports));

    // Every field but the wall-clock seconds.
    private static string Key(GroundTruthTrial t) => (t with { Seconds = 0 }).ToCsv();

    private static string Key(GroundTruthBoundary b) => (b with { Seconds = 0 }).ToCsv();

    [TestMethod]
    public void Run_KilledMidSearch_ResumeReplaysRecordedTrainingsAndEndsLikeAnUninterruptedRun()
    {
        using var tmp = new TempDirectory();
        GroundTruthSet full = Run(Tiny(), tmp.Sub("full"));
        Assert.HasCount(3, full.Boundaries);
        Assert.IsTrue(full.IsComplete);
        // The tiny grid has all three outcomes, so that resuming is exercised on each.
        CollectionAssert.AreEquivalent(Enum.GetValues<GroundTruthBoundaryStatus>(), full.Boundaries.Select(b => b.Status).ToArray());

        // A kill -9 during the search of a configuration c with at least 3 trainings: its first two are on disk, its
        // boundary is not, and the training in flight left half a line.
        int c = full.Boundaries.ToList().FindIndex(b => b.Trainings >= 3);
        Assert.IsGreaterThanOrEqualTo(0, c, "the tiny grid should have a configuration whose search needs 3 trainings");
        int before = full.Boundaries.Take(c).Sum(b => b.Trainings);
        string dir = tmp.Sub("killed");
        Run(Tiny(), dir);
        string trials = Path.Combine(dir, GroundTruthTrial.FileName);
        string[] lines = File.ReadAllLines(trials);
        File.WriteAllText(trials, string.Join("\n", lines.Take(1 + before + 2)) + "\n" + lines[before + 3][..10]);
        string boundaries = Path.Combine(dir, GroundTruthBoundary.FileName);
        File.WriteAllText(boundaries, string.Join("\n", File.ReadAllLines(boundaries).Take(1 + c)) + "\n");

        var reports = new List<GroundTruthSetProgress>();
        GroundTruthSet resumed = Run(Tiny(), dir, reports);

        Assert.AreEqual(c, reports[0].Resumed);
        Assert.AreEqual(2, reports.Count(r => r.Trial is not null && r.Replayed));
        Assert.AreEqual(full.Trials.Count - before - 2, reports.Count(r => r.Trial is not null && !r.Replayed));
        CollectionAssert.AreEqual(full.Trials.Select(Key).ToList(), resumed.Trials.Select(Key).ToList());
        CollectionAssert.AreEqual(full.Boundaries.Select(Key).ToList(), resumed.Boundaries.Select(Key).ToList());
        Assert.IsTrue(File.ReadAllText(trials).EndsWith('\n'));
    }

    [TestMethod]
    public void Run_AgainWhenDone_TrainsNothing()
    {
        using var tmp = new TempDirectory();
        Run(Tiny(), tmp.Path);
        var reports = new List<GroundTruthSetProgress>();
        Run(Tiny(), tmp.Path, reports);
        Assert.AreEqual(3, reports[0].Resumed);
        Assert.IsFalse(reports.Any(r => r.Trial is not null));
    }

    [TestMethod]
    public void Run_Shards_TogetherEqualTheWholeGrid()
    {
        using var tmp = new TempDirectory();
        GroundTruthSet full = Run(Tiny(), tmp.Sub("full"));
        GroundTruthSet s0 = Run(Tiny() with { Shard = new SweepShard(0, 2) }, tmp.Sub("s0"));
        GroundTruthSet s1 = Run(Tiny() with { Shard = new SweepShard(1, 2) }, tmp.Sub("s1"));

        CollectionAssert.AreEqual(new[] { 0.5, 3.0 }, s0.Boundaries.Select(b => b.SigmaW2).ToArray());
        CollectionAssert.AreEqual(new[] { 1.5 }, s1.Boundaries.Select(b => b.SigmaW2).ToArray());
        CollectionAssert.AreEquivalent(full.Boundaries.Select(Key).ToList(), s0.Boundaries.Concat(s1.Boundaries).Select(Key).ToList());
        CollectionAssert.AreEquivalent(full.Trials.Select(Key).ToList(), s0.Trials.Concat(s1.Trials).Select(Key).ToList());
        Assert.IsTrue(s0.IsComplete);
    }

    [TestMethod]
    public void Run_DifferentSettingsOrShard_RefusedNamingTheDifference()
    {
        using var tmp = new TempDirectory();
        Run(Tiny() with { SigmaW2 = [1.0] }, tmp.Path);

        var ex = Assert.ThrowsExactly<ArgumentException>(() => Run(Tiny() with { SigmaW2 = [1.0], Steps = 30 }, tmp.Path));
        StringAssert.Contains(ex.Message, "steps (20 vs 30)");
        Assert.ThrowsExactly<ArgumentException>(() => Run(Tiny() with { SigmaW2 = [1.0], Shard = new SweepShard(0, 2) }, tmp.Path));
    }

    [TestMethod]
    public void Run_DirectoryHeldByAnotherWriter_Refused()
    {
        using var tmp = new TempDirectory();
        using var held = new FileStream(Path.Combine(tmp.Path, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var ex = Assert.ThrowsExactly<IOException>(() => Run(Tiny(), tmp.Path));
        StringAssert.Contains(ex.Message, "another 'entropy groundtruth'");
        Assert.IsFalse(File.Exists(Path.Combine(tmp.Path, GroundTruthTrial.FileName)));
    }

    [TestMethod]
    public void Run_Scan_TrainsEveryScannedDepthAndRecordsMonotonicity()
    {
        using var tmp = new TempDirectory();
        GroundTruthSet set = Run(Tiny() with { SigmaW2 = [1.5], Search = "scan", ScanStep = 2 }, tmp.Path);

        CollectionAssert.AreEqual(new[] { 6, 4, 2 }, set.Trials.Select(t => t.Depth).ToArray());
        GroundTruthBoundary b = set.Boundaries.Single();
        (int deepest, bool monotonic) = GroundTruthRunner.Scan([.. set.Trials.Select(t => (t.Depth, t.Trained))]);
        Assert.AreEqual(deepest, b.MaxTrainableDepth);
        Assert.AreEqual(monotonic, b.Monotonic);
        Assert.AreEqual(3, b.Trainings);
    }

    [TestMethod]
    public void Scan_HandCases()
    {
        Assert.AreEqual((10, true), GroundTruthRunner.Scan([(10, true), (5, true), (2, true)]));
        Assert.AreEqual((5, true), GroundTruthRunner.Scan([(10, false), (5, true), (2, true)]));
        Assert.AreEqual((10, false), GroundTruthRunner.Scan([(10, true), (5, false), (2, true)]));
        Assert.AreEqual((0, true), GroundTruthRunner.Scan([(10, false), (5, false), (2, false)]));
    }

    [TestMethod]
    public void ScanDepths_DeepestFirstAndAlwaysTheShallowest()
    {
        var s = Tiny() with { MinDepth = 2, MaxDepth = 100, ScanStep = 5 };
        IReadOnlyList<int> depths = s.ScanDepths();
        Assert.AreEqual(100, depths[0]);
        Assert.AreEqual(5, depths[^2]);
        Assert.AreEqual(2, depths[^1]);
        Assert.HasCount(21, depths);
        CollectionAssert.AreEqual(new[] { 6, 4, 2 }, (Tiny() with { ScanStep = 2 }).ScanDepths().ToArray());
    }

    [TestMethod]
    public void Csv_RoundTrip_TrialsAndBoundariesIncludingCensoredAndNone()
    {
        using var tmp = new TempDirectory();
        var settings = Tiny();
        File.WriteAllText(Path.Combine(tmp.Path, GroundTruthSetSettings.FileName), settings.ToJson());
        var trial = new GroundTruthTrial
        {
            Dataset = "mnist", Width = "784,32,10", Activation = "tanh", SigmaW2 = 0.1 + 0.2, SigmaB2 = 0.05, Seed = 3, Steps = 20, Threshold = 0.2,
            Depth = 6, Trained = true, Accuracy = 1.0 / 3, StepsRun = 10, Seconds = 0.125, TrainingSeed = 123456789,
        };
        GroundTruthBoundary Boundary(GroundTruthBoundaryStatus status, int depth, bool? monotonic) => new()
        {
            Dataset = "mnist", Width = "8", Activation = "gelu", SigmaW2 = 2.25, SigmaB2 = 0.05, Seed = 3, Steps = 20, MinDepth = 2, MaxDepth = 6,
            Status = status, MaxTrainableDepth = depth, Trainings = 4, Monotonic = monotonic, Seconds = 1.5,
        };
        GroundTruthBoundary[] boundaries = [Boundary(GroundTruthBoundaryStatus.Found, 4, null), Boundary(GroundTruthBoundaryStatus.Censored, 6, true), Boundary(GroundTruthBoundaryStatus.None, 0, false)];
        File.WriteAllText(Path.Combine(tmp.Path, GroundTruthTrial.FileName), string.Join(',', GroundTruthTrial.Header) + "\n" + trial.ToCsv() + "\n");
        File.WriteAllText(Path.Combine(tmp.Path, GroundTruthBoundary.FileName), string.Join(',', GroundTruthBoundary.Header) + "\n" + string.Concat(boundaries.Select(b => b.ToCsv() + "\n")));

        GroundTruthSet set = GroundTruthSet.Load(tmp.Path);

        Assert.AreEqual(settings, set.Settings);
        Assert.AreEqual(trial with { Width = "784;32;10" }, set.Trials.Single());
        CollectionAssert.AreEqual(boundaries, set.Boundaries.ToArray());
        Assert.AreEqual("≥ 6", set.Boundaries[1].Describe());
        Assert.AreEqual("none", set.Boundaries[2].Describe());
        StringAssert.Contains(File.ReadAllText(Path.Combine(tmp.Path, GroundTruthBoundary.FileName)), ",censored,6,4,true,");
    }

    [TestMethod]
    public void Load_BadStatus_NamesFileLineAndColumn()
    {
        using var tmp = new TempDirectory();
        File.WriteAllText(Path.Combine(tmp.Path, GroundTruthSetSettings.FileName), Tiny().ToJson());
        File.WriteAllText(Path.Combine(tmp.Path, GroundTruthBoundary.FileName),
            string.Join(',', GroundTruthBoundary.Header) + "\nmnist,8,tanh,1,0.05,3,20,2,6,maybe,4,4,,1\n");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => GroundTruthSet.Load(tmp.Path));
        StringAssert.Contains(ex.Message, "boundaries.csv: line 2: column 'status'");
    }

    private sealed class Collect(List<GroundTruthSetProgress> list) : IProgress<GroundTruthSetProgress>
    {
        public void Report(GroundTruthSetProgress value) => list.Add(value);
    }
}
