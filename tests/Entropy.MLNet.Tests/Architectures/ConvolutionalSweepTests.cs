using Entropy.MLNet.Data;
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Tests.Sweep;

namespace Entropy.MLNet.Tests.Architectures;

/// <summary>A sweep over the CNN: settings.json records the family, a resume with another family is refused.</summary>
[TestClass]
[DoNotParallelize]
public sealed class ConvolutionalSweepTests
{
    private static SweepSettings Tiny(string? architecture, int? channels) => new()
    {
        Dataset = "mnist",
        DatasetSource = "embedded",
        SigmaW2 = [0.5, 1.0],
        SigmaB2 = [2e-5],
        MaxDepth = 4,
        TrainSamples = 100,
        EntropySamples = 10,
        BatchSize = 20,
        Seed = 7,
        Architecture = architecture,
        Channels = channels,
    };

    [TestMethod]
    public void SettingsJson_RecordsTheFamily_AndTheMlpFileHasNoFamilyFields()
    {
        string cnn = Tiny("cnn", 4).ToJson();
        string mlp = (Tiny(null, null) with { Width = "32" }).ToJson();

        StringAssert.Contains(cnn, "\"architecture\": \"cnn\"");
        StringAssert.Contains(cnn, "\"channels\": 4");
        Assert.DoesNotContain("architecture", mlp);
        Assert.DoesNotContain("channels", mlp);
        Assert.AreEqual(Tiny("cnn", 4), SweepSettings.FromJson(cnn));
        CollectionAssert.Contains(Tiny("cnn", 4).Differences(Tiny("resnet", 4)).Select(d => d.Split(' ')[0]).ToList(), "architecture");
    }

    [TestMethod]
    public void ToProbeOptions_CarriesTheFamily()
    {
        SweepSettings settings = Tiny("resnet", 8);
        ProbeOptions options = SweepRunner.ToProbeOptions(settings, settings.Grid()[0]);

        Assert.AreEqual("resnet", options.Architecture);
        Assert.AreEqual(8, options.Channels);
        Assert.AreEqual(20, options.BatchSize);
    }

    [TestMethod]
    public void GroundTruthInASweep_IsRefusedForConvolutionalFamilies()
    {
        var settings = Tiny("cnn", 4) with { GroundTruth = new GroundTruthSettings() };

        Assert.AreEqual("GroundTruth", Assert.Throws<ArgumentException>(settings.Validate).ParamName);
    }

    [TestMethod]
    public void Sweep_RunsTheCnn_AndAResumeWithTheResNetIsRefused()
    {
        using var dir = new TempDirectory();
        ImageDataset train = DatasetCatalog.Load("mnist", "train").Take(200);
        ImageDataset test = DatasetCatalog.Load("mnist", "test").Take(50);
        var options = new SweepRunOptions { Device = Entropy.MLNet.Runtime.DeviceKind.Cpu, Threads = 1 };

        SweepRunSummary summary = SweepRunner.Run(Tiny("cnn", 4), train, test, dir.Path, options);
        SweepResults results = SweepResults.Load(dir.Path);

        Assert.HasCount(2, results.Records);
        Assert.AreEqual("cnn", results.Settings.Architecture);
        // The calibration was fitted on MLP curves: a CNN's predicted depth stays unset and its score reads the cutoff.
        Assert.IsNull(SweepPredictions.CalibrationFor(results.Settings));
        Assert.IsNotNull(SweepPredictions.CalibrationFor(Tiny("cnn", 4) with { Architecture = null, Channels = null }));
        foreach (SweepRecord r in summary.Records.Concat(results.Records))
        {
            Assert.IsNull(r.PredictedDepth, $"σ_w² {r.SigmaW2}");
            Assert.AreEqual(TrainabilityScore.Score(r.Cutoff, 3), r.Score(3), 1e-12);
        }
        var refused = Assert.Throws<ArgumentException>(() => SweepRunner.Run(Tiny("resnet", 4), train, test, dir.Path, options));
        StringAssert.Contains(refused.Message, "architecture");
    }
}

[TestClass]
public sealed class ConvolutionalEstimatorOptionsTests
{
    [TestMethod]
    public void ProbeEstimatorOptions_MapTheFamilyToTheProbe()
    {
        var options = new Entropy.MLNet.MLNet.ReconstructionProbeEstimatorOptions { Architecture = "cnn", Channels = 8, SigmaB2 = 2e-5, Depth = 5 };

        ProbeOptions probe = options.ToProbeOptions(Entropy.MLNet.Networks.Activation.Tanh, Entropy.MLNet.Networks.NetworkWidth.Wide, 1, Entropy.MLNet.Runtime.DeviceKind.Cpu);

        Assert.AreEqual("cnn", probe.Architecture);
        Assert.AreEqual(8, probe.Channels);
        // The family checks the images: a flat 784-value column (1×1×784) is refused, naming the option.
        var flat = new ImageDataset("x", "train", "test", 1, 1, 784, new float[784 * 2], [0, 1], ["a", "b"]);
        Assert.AreEqual("Architecture", Assert.Throws<ArgumentException>(() => probe.Validate(flat)).ParamName);
    }
}
