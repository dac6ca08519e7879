#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

[TestClass]
public sealed class GroundTruthAgreementTests
{
    [TestMethod]
    public void Compute_CensoredNoneAndNaN_HandComputed()
    {
        // Depths 2..4 (cap 4, so the log2 floor is 1).
        // A: predicted 8, truth censored (4)  → cells 2,3,4 TP; log2 |4/4| = 0; |Δ| 0.
        // B: predicted 2, truth none (0)      → 2 FP, 3,4 TN; log2 |2/1| = 1;  |Δ| 2.
        // C: predicted 0.5, truth censored (4) → 2,3,4 FN;    log2 |1/4| = 2;  |Δ| 3.5.
        // D: predicted NaN (a diverging probe) → left out, counted as non-finite.
        var m = Agreement.Compute("probe", [(8.0, 4), (2.0, 0), (0.5, 4), (double.NaN, 3)], [2, 3, 4], maxDepth: 4);

        Assert.AreEqual(3, m.Configurations);
        Assert.AreEqual(1, m.NonFinite);
        Assert.AreEqual((3, 1, 3, 2), (m.TruePositives, m.FalsePositives, m.FalseNegatives, m.TrueNegatives));
        Assert.AreEqual(5.0 / 9, m.Accuracy, 1e-15);
        Assert.AreEqual(6.0 / 10, m.F1, 1e-15);
        Assert.AreEqual(3.0 / 7, m.IoU, 1e-15);
        Assert.AreEqual(1.0, m.MeanAbsoluteLog2Error, 1e-15);
        Assert.AreEqual(5.5 / 3, m.MeanAbsoluteDepthError, 1e-15);
        // Clipped predictions [4, 2, 0.5] → ranks [3, 2, 1]; truths [4, 0, 4] → [2.5, 1, 2.5]; Σ dx·dy = 0.5 + 0 − 0.5.
        Assert.AreEqual(0.0, m.Spearman, 1e-15);
    }

    [TestMethod]
    public void Compute_OnlyNaN_NoMetricsButNoThrow()
    {
        var m = Agreement.Compute("probe", [(double.NaN, 3)], [2, 3], maxDepth: 3);
        Assert.AreEqual(0, m.Configurations);
        Assert.AreEqual(1, m.NonFinite);
        Assert.IsTrue(double.IsNaN(m.Accuracy));
        Assert.IsTrue(double.IsNaN(m.MeanAbsoluteLog2Error));
    }

    [TestMethod]
    public void Compute_SeedsOfOneGroup_CeilingHandComputedAndShardsMerged()
    {
        // Seed 1: σ_w² 1 → 4 (found), σ_w² 2 → ≥ 10 (censored), the two in different shards. Seed 2: none, 8.
        GroundTruthSet[] sets =
        [
            Set(1, new SweepShard(0, 2), Boundary(1.0, 1, GroundTruthBoundaryStatus.Found, 4, 10)),
            Set(1, new SweepShard(1, 2), Boundary(2.0, 1, GroundTruthBoundaryStatus.Censored, 10, 20)),
            Set(2, null, Boundary(1.0, 2, GroundTruthBoundaryStatus.None, 0, 5), Boundary(2.0, 2, GroundTruthBoundaryStatus.Found, 8, 30)),
        ];

        AgreementGroup g = GroundTruthAgreement.Compute(sets, []).Single();

        CollectionAssert.AreEqual(new[] { 1, 2 }, g.Seeds.ToArray());
        Assert.IsTrue(g.Complete);
        AgreementRow ceiling = g.Rows.Single(r => r.Predictor == GroundTruthAgreement.SeedName(2));
        Assert.AreEqual(1, ceiling.TruthSeed);
        // Depths 2..10. σ 1: truth 2..4 trained, seed 2 none → 3 FN, 6 TN. σ 2: truth all 9, seed 2 up to 8 → 7 TP, 2 FN.
        Assert.AreEqual((7, 0, 5, 6), (ceiling.Metrics.TruePositives, ceiling.Metrics.FalsePositives, ceiling.Metrics.FalseNegatives, ceiling.Metrics.TrueNegatives));
        Assert.AreEqual(7.0 / 12, ceiling.Metrics.IoU, 1e-15);
        Assert.AreEqual((2 + Math.Log2(10.0 / 8)) / 2, ceiling.Metrics.MeanAbsoluteLog2Error, 1e-12); // none counts as depth 1
        Assert.IsNull(ceiling.ComputeRatio);
        // 6ξ_c is scored against both seeds; tanh at σ_w² 1 and 2 is finite.
        Assert.AreEqual(2, g.Rows.Count(r => r.Predictor == Agreement.TheoryName));
        Assert.IsTrue(g.Rows.Where(r => r.Predictor == Agreement.TheoryName).All(r => r.Metrics.NonFinite == 0 && r.Metrics.Configurations == 2));
    }

    [TestMethod]
    public void Compute_IncompleteSeed_SaysSo()
    {
        AgreementGroup g = GroundTruthAgreement.Compute([Set(1, null, Boundary(1.0, 1, GroundTruthBoundaryStatus.Found, 4, 1))], []).Single();
        Assert.IsFalse(g.Complete);
        Assert.IsFalse(g.Rows.Any(r => r.Predictor.StartsWith("seed", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Score_ProbeRangeAndComputeRatio()
    {
        AgreementBoundary[] truth = [Boundary(1.0, 1, GroundTruthBoundaryStatus.Found, 4, 10).ToAgreement(), Boundary(2.0, 1, GroundTruthBoundaryStatus.Censored, 10, 20).ToAgreement()];
        AgreementPrediction[] probe = [new("probe", "run", 1.0, 0.05, 5, 2), new("probe", "run", 2.0, 0.05, 6, 3)];

        // A probe of depth 8 answers up to layer 6: cells 2..6 and the censored truth clipped to 6.
        AgreementRow row = GroundTruthAgreement.Score("probe", "run", 1, truth, probe, 2, 6);

        Assert.AreEqual(6, row.MaxDepth);
        Assert.AreEqual((8, 1, 0, 1), (row.Metrics.TruePositives, row.Metrics.FalsePositives, row.Metrics.FalseNegatives, row.Metrics.TrueNegatives));
        Assert.AreEqual(5.0 / 30, row.ComputeRatio!.Value, 1e-15);
        Assert.AreEqual((0.2 + 0.15) / 2, row.MedianComputeRatio!.Value, 1e-15);
    }

    [TestMethod]
    public void Compute_ResNetSet_HasNoMeanFieldRows_CnnSetKeepsThem()
    {
        GroundTruthSet Family(string architecture) => new("dir", Settings(1, null) with { Architecture = architecture, Channels = 4, Width = "wide" },
            [], [Boundary(1.0, 1, GroundTruthBoundaryStatus.Found, 4, 10), Boundary(2.0, 1, GroundTruthBoundaryStatus.Found, 6, 10)]);

        AgreementGroup resnet = GroundTruthAgreement.Compute([Family("resnet")], [], Entropy.MLNet.Prediction.TrainabilityCalibration.Default).Single();
        AgreementGroup cnn = GroundTruthAgreement.Compute([Family("cnn")], [], Entropy.MLNet.Prediction.TrainabilityCalibration.Default).Single();

        Assert.IsEmpty(resnet.Predictions);
        Assert.IsTrue(cnn.Predictions.All(p => p.Predictor == Agreement.TheoryName), "6ξ_c only: cal-mf was fitted on MLPs");
        Assert.HasCount(2, cnn.Predictions);
        StringAssert.Contains(cnn.Name, "cnn c4");
    }

    [TestMethod]
    public void Settings_FamilyFields_WrittenOnlyForConvolutionalSets_AndChecked()
    {
        GroundTruthSetSettings mlp = Settings(1, null);
        GroundTruthSetSettings cnn = mlp with { Architecture = "cnn", Channels = 8, Width = "wide" };

        Assert.DoesNotContain("architecture", mlp.ToJson());
        StringAssert.Contains(cnn.ToJson(), "\"architecture\": \"cnn\"");
        Assert.AreNotEqual(cnn, cnn with { Architecture = "resnet" }); // another group
        Assert.AreEqual(128, (cnn with { Channels = null }).EffectiveChannels);
        Assert.IsNull(mlp.EffectiveChannels);
        cnn.Validate();
        Assert.AreEqual("Width", Assert.Throws<ArgumentException>((cnn with { Width = "128" }).Validate).ParamName);
        Assert.AreEqual("Channels", Assert.Throws<ArgumentException>((mlp with { Channels = 8 }).Validate).ParamName);
        Assert.AreEqual("Channels", Assert.Throws<ArgumentOutOfRangeException>((cnn with { Channels = 0 }).Validate).ParamName);
        Assert.IsNotEmpty(cnn.Differences(cnn with { Channels = 16 }));
    }

    private static GroundTruthSetSettings Settings(int seed, SweepShard? shard) => new()
    {
        Dataset = "mnist",
        DatasetSource = "files",
        SigmaW2 = [1.0, 2.0],
        Threshold = 0.5,
        MaxDepth = 10,
        Seed = seed,
        Shard = shard,
    };

    private static GroundTruthSet Set(int seed, SweepShard? shard, params GroundTruthBoundary[] boundaries)
        => new("dir", Settings(seed, shard), [], boundaries);

    private static GroundTruthBoundary Boundary(double sigmaW2, int seed, GroundTruthBoundaryStatus status, int depth, double seconds) => new()
    {
        Dataset = "mnist", Width = "128", Activation = "tanh", SigmaW2 = sigmaW2, SigmaB2 = 0.05, Seed = seed, Steps = 500, MinDepth = 2, MaxDepth = 10,
        Status = status, MaxTrainableDepth = depth, Trainings = 5, Seconds = seconds,
    };
}

internal static class GroundTruthBoundaryExtensions
{
    public static AgreementBoundary ToAgreement(this GroundTruthBoundary b) => new(b.SigmaW2, b.SigmaB2, b.Seed, b.Status, b.MaxTrainableDepth, b.Seconds);
}
