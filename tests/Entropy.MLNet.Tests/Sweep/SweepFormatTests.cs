#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

[TestClass]
public sealed class SweepFormatTests
{
    private static SweepSettings Settings(SweepShard? shard = null) => new()
    {
        Dataset = "mnist",
        DatasetSource = "embedded",
        SigmaW2 = [0.5, 1.0, 1.5],
        SigmaB2 = [0.05],
        MaxDepth = 10,
        Width = "32",
        TrainSamples = 200,
        EntropySamples = 20,
        GroundTruth = new GroundTruthSettings { Epochs = 1, Threshold = 0.3 },
        Shard = shard,
    };

    private static SweepRecord Record(double sw, int cutoff = 5, int? gt = null) => new()
    {
        SigmaW2 = sw,
        SigmaB2 = 0.05,
        MaxDepth = 10,
        Cutoff = cutoff,
        DifferentialCutoff = null,
        Chi1 = 0.1 + sw,
        XiC = double.PositiveInfinity,
        SixXiC = double.PositiveInfinity,
        Phase = TrainabilityVerdict.NearCritical,
        Seed = 7,
        GtMaxTrainableDepth = gt,
        GtTestAccuracy = gt is null ? null : 0.123456789012345,
    };

    /// <summary>The whole curve of a configuration of <see cref="Settings"/> (depth 10: layers 1 to 8).</summary>
    internal static string CurveRows(double sw, double sb = 0.05) => string.Concat(Enumerable.Range(1, 8).Select(layer => new SweepCurvePoint
    {
        SigmaW2 = sw, SigmaB2 = sb, Layer = layer, MedianRelativeEntropy = 0.25f, NormalizedMedian = 0.1f * layer, MeanRelativeEntropy = 0.3f,
        DifferentialEntropy = double.NegativeInfinity, DecoderTestMse = 1e-3f,
    }.ToCsv() + "\n"));

    internal static string CurvesFile(params double[] sigmaW2) => string.Join(',', SweepCurvePoint.Header) + "\n" + string.Concat(sigmaW2.Select(w => CurveRows(w)));

    [TestMethod]
    public void SettingsJson_RoundTrip_Equal()
    {
        var settings = Settings(new SweepShard(1, 3));
        string json = settings.ToJson();

        var back = SweepSettings.FromJson(json);

        Assert.AreEqual(settings, back);
        Assert.AreEqual(json, back.ToJson());
        Assert.AreEqual(new SweepShard(1, 3), back.Shard);
        StringAssert.Contains(json, "\"formatVersion\": 1");
        StringAssert.Contains(json, "\"sigmaW2\": [");
        StringAssert.Contains(json, "\"groundTruth\": {");
    }

    [TestMethod]
    public void SettingsEquals_DifferentShard_StillEqual()
    {
        Assert.AreEqual(Settings(), Settings(new SweepShard(0, 2)));
        Assert.AreEqual(Settings().GetHashCode(), Settings(new SweepShard(0, 2)).GetHashCode());
    }

    [TestMethod]
    public void SettingsDifferences_GridAndDepth_NamesBoth()
    {
        var other = Settings() with { SigmaW2 = [0.5, 2.0], MaxDepth = 12 };

        var differences = Settings().Differences(other);

        Assert.AreNotEqual(Settings(), other);
        Assert.HasCount(2, differences);
        StringAssert.StartsWith(differences[0], "sigmaW2 ([0.5,1,1.5] vs [0.5,2])");
        StringAssert.StartsWith(differences[1], "maxDepth (10 vs 12)");
    }

    [TestMethod]
    public void Grid_Order_SigmaB2OuterAscending_SeedsFromValuesOnly()
    {
        var settings = Settings() with { SigmaB2 = [0.05, 0.1] };

        var grid = settings.Grid();

        Assert.HasCount(6, grid);
        CollectionAssert.AreEqual(new[] { 0.5, 1.0, 1.5, 0.5, 1.0, 1.5 }, grid.Select(c => c.SigmaW2).ToArray());
        CollectionAssert.AreEqual(new[] { 0.05, 0.05, 0.05, 0.1, 0.1, 0.1 }, grid.Select(c => c.SigmaB2).ToArray());
        // Removing a grid value shifts indices but must not change any other configuration's seed.
        var smaller = (settings with { SigmaW2 = [1.0, 1.5] }).Grid();
        Assert.AreEqual(grid[1].Seed, smaller[0].Seed);
        Assert.AreNotEqual(grid[0].Seed, grid[1].Seed);
        Assert.AreNotEqual(grid[0].Seed, (settings with { Seed = 43 }).Grid()[0].Seed);
    }

    [TestMethod]
    public void ShardConfigurations_RoundRobin_PartitionGrid()
    {
        var s0 = Settings(new SweepShard(0, 2)).ShardConfigurations();
        var s1 = Settings(new SweepShard(1, 2)).ShardConfigurations();

        CollectionAssert.AreEqual(new[] { 0, 2 }, s0.Select(c => c.Index).ToArray());
        CollectionAssert.AreEqual(new[] { 1 }, s1.Select(c => c.Index).ToArray());
    }

    [TestMethod]
    public void ShardParse_Valid_And_Invalid()
    {
        Assert.AreEqual(new SweepShard(3, 4), SweepShard.Parse("3/4"));
        Assert.ThrowsExactly<ArgumentException>(() => SweepShard.Parse("4/4"));
        Assert.ThrowsExactly<ArgumentException>(() => SweepShard.Parse("1"));
        Assert.ThrowsExactly<ArgumentException>(() => SweepShard.Parse("-1/2"));
        Assert.ThrowsExactly<ArgumentException>(() => SweepShard.Parse("0/0"));
    }

    [TestMethod]
    public void RecordCsv_RoundTrip_KeepsNullsInfinitiesAndDigits()
    {
        using var dir = new TempDirectory();
        var settings = Settings();
        File.WriteAllText(dir.Sub(SweepSettings.FileName), settings.ToJson());
        var a = Record(1.0, gt: 4);
        var b = Record(0.5) with { Chi1 = null, XiC = null, SixXiC = null, Phase = null, DifferentialCutoff = 3 };
        File.WriteAllText(dir.Sub(SweepRecord.FileName), string.Join(',', SweepRecord.Header) + "\n" + a.ToCsv() + "\n" + b.ToCsv() + "\n");
        File.WriteAllText(dir.Sub(SweepCurvePoint.FileName), CurvesFile(1.0, 0.5));

        var results = SweepResults.Load(dir.Path);

        Assert.HasCount(2, results.Records);
        // Sorted by σ_w²; on load each row also gets the calibrated prediction from its curve (not a CSV column).
        Assert.AreEqual(b, results.Records[0] with { PredictedDepth = null });
        Assert.IsNotNull(results.Records[0].PredictedDepth);
        Assert.AreEqual(a, results.Records[1] with { PredictedDepth = null });
        Assert.AreEqual("1,0.05,10,5,,1.1,Infinity,Infinity,near-critical,7,4,0.123456789012345,", a.ToCsv());
        Assert.AreEqual("0.5,0.05,10,5,3,,,,,7,,,", b.ToCsv());
    }

    [TestMethod]
    public void Load_TruncatedLastLineAndOrphanCurves_LeftOut()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Sub(SweepSettings.FileName), Settings().ToJson());
        File.WriteAllText(dir.Sub(SweepRecord.FileName), string.Join(',', SweepRecord.Header) + "\n" + Record(1.0).ToCsv() + "\n" + Record(1.5).ToCsv()[..10]);
        var curve = new SweepCurvePoint { SigmaW2 = 1.0, SigmaB2 = 0.05, Layer = 1, MedianRelativeEntropy = 0.25f, NormalizedMedian = 0.1f, MeanRelativeEntropy = 0.3f, DifferentialEntropy = double.NegativeInfinity, DecoderTestMse = 1e-3f };
        var orphan = curve with { SigmaW2 = 1.5 };
        File.WriteAllText(dir.Sub(SweepCurvePoint.FileName), string.Join(',', SweepCurvePoint.Header) + "\n" + curve.ToCsv() + "\n"
            + string.Concat(Enumerable.Range(2, 7).Select(layer => (curve with { Layer = layer }).ToCsv() + "\n")) + orphan.ToCsv() + "\n");

        var results = SweepResults.Load(dir.Path);

        Assert.HasCount(1, results.Records);
        Assert.HasCount(8, results.Curves);
        Assert.AreEqual(curve, results.Curves[0]);
        Assert.IsFalse(results.IsComplete);
        Assert.HasCount(8, results.Curve(1.0, 0.05));
    }

    [TestMethod]
    public void Load_GarbageLine_NamesFileAndLine()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Sub(SweepSettings.FileName), Settings().ToJson());
        File.WriteAllText(dir.Sub(SweepRecord.FileName), string.Join(',', SweepRecord.Header) + "\n" + Record(1.0).ToCsv() + "\n" + "1.5,0.05,ten,5,,,,,,7,,,\n");

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SweepResults.Load(dir.Path));

        StringAssert.Contains(ex.Message, "results.csv: line 3");
        StringAssert.Contains(ex.Message, "maxDepth");
    }

    [TestMethod]
    public void Load_RowOutsideGridOrTwice_Refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Sub(SweepSettings.FileName), Settings().ToJson());
        string header = string.Join(',', SweepRecord.Header) + "\n";
        File.WriteAllText(dir.Sub(SweepRecord.FileName), header + Record(2.0).ToCsv() + "\n");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SweepResults.Load(dir.Path)).Message, "not in this sweep's grid");

        File.WriteAllText(dir.Sub(SweepRecord.FileName), header + Record(1.0).ToCsv() + "\n" + Record(1.0).ToCsv() + "\n");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SweepResults.Load(dir.Path)).Message, "line 3");
    }

    [TestMethod]
    public void Load_NoSettings_FileNotFound()
    {
        using var dir = new TempDirectory();
        Assert.ThrowsExactly<FileNotFoundException>(() => SweepResults.Load(dir.Path));
    }

    [TestMethod]
    public void DurableFileReplace_WriterFailsHalfWay_OldFileWholeAndNoTempLeft()
    {
        // How pictures and report files are written: a crash mid-write leaves the old file, never part of the new one.
        using var dir = new TempDirectory();
        string path = dir.Sub("picture.png");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.ThrowsExactly<IOException>(() => DurableFile.Replace(path, stream =>
        {
            stream.Write([9, 9]);
            throw new IOException("disk full");
        }));

        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [TestMethod]
    public void GroundTruthCsv_RoundTrip()
    {
        var g = new GroundTruthRecord { SigmaW2 = 1.5, SigmaB2 = 0.05, Depth = 7, Trainable = true, BestTestAccuracy = 0.61, Epochs = 1 };
        Assert.AreEqual("1.5,0.05,7,true,0.61,1", g.ToCsv());
    }
}
