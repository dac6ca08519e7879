using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Mlp;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Probe;

[TestClass]
public sealed class ReconstructionProbeTests
{
    [ClassInitialize]
    public static void Init(TestContext context) => TorchRuntime.EnsureLoaded();

    [TestMethod]
    public void Run_SmallProbe_ResultHasOneValuePerCurveLayer()
    {
        var options = TestData.Small();
        var r = ReconstructionProbe.Run(TestData.Train, TestData.Test, options);
        Assert.AreEqual(6, r.Layers);
        Assert.HasCount(4, r.MedianRelativeEntropy);
        Assert.HasCount(4, r.MeanRelativeEntropy);
        Assert.HasCount(4, r.NormalizedMedian);
        Assert.HasCount(4, r.DifferentialEntropy);
        Assert.HasCount(6, r.DecoderTestMse);
        Assert.HasCount(20, r.PerSampleRelativeEntropy);
        Assert.IsTrue(r.PerSampleRelativeEntropy.All(c => c.Length == 4 && c.All(v => v >= 0 && float.IsFinite(v))));
        Assert.AreEqual(1f, r.NormalizedMedian[^1], 1e-6f);
        Assert.AreEqual(Cutoff.FromSamples(r.PerSampleRelativeEntropy, options.CutoffTolerance), r.Cutoff);
        Assert.IsNull(r.DifferentialCutoff);
        Assert.AreEqual(512, r.TrainSamples);
        Assert.AreEqual(1, r.Threads);
        Assert.AreEqual("32", r.Width);
        Assert.AreEqual("tanh", r.Activation);
        Assert.IsNotNull(r.Reconstructions);
        Assert.HasCount(3, r.Reconstructions.Images);
        Assert.HasCount(7, r.Reconstructions.Images[0]);
        Assert.HasCount(784, r.Reconstructions.Images[0][3]);
        Assert.IsNotNull(r.IdealInputs);
        Assert.HasCount(10, r.IdealInputs);
        // Column 0 is the test image itself, pixels in [0, 1].
        Assert.IsTrue(r.Reconstructions.Images[0][0].All(v => v is >= 0 and <= 1));
    }

    [TestMethod]
    public void ProbeResult_Json_RoundTrips()
    {
        var r = ReconstructionProbe.Run(TestData.Train, TestData.Test, TestData.Small() with { ReconstructionImages = 1 });
        var back = ProbeResult.FromJson(r.ToJson());
        Assert.AreEqual(r.Cutoff, back.Cutoff);
        CollectionAssert.AreEqual(r.MedianRelativeEntropy, back.MedianRelativeEntropy);
        CollectionAssert.AreEqual(r.DifferentialEntropy, back.DifferentialEntropy);
        CollectionAssert.AreEqual(r.PerSampleRelativeEntropy[3], back.PerSampleRelativeEntropy[3]);
        CollectionAssert.AreEqual(r.Reconstructions!.Images[0][2], back.Reconstructions!.Images[0][2]);
        StringAssert.Contains(r.ToJson(), "\"sigmaW2\"");
    }

    [TestMethod]
    public void Fit_OneEpoch_ReducesDecoder1TestMse()
    {
        var options = TestData.Small() with { TrainSamples = 2000 };
        using var model = ReconstructionProbe.Fit(TestData.Train, options);
        var r = model.Evaluate(TestData.Test);
        // The untrained cascade starts from the same seeded initialisation as the trained one.
        using var untrained = new Cascade(model.Network.LayerSizes, options.Activation, options.Seed);
        using var scope = NewDisposeScope();
        int[] sample = model.EntropySample(TestData.Test.Count);
        var pixels = sample.SelectMany(i => TestData.Test.Image(i).ToArray()).ToArray();
        var x = tensor(pixels, [sample.Length, 784]);
        using var noGrad = no_grad();
        var h1 = model.Network.LayerOutputs(x, 1)[1];
        float before = nn.functional.mse_loss(untrained.Decode(1, h1), x).item<float>();
        float after = nn.functional.mse_loss(model.Network.Decode(1, h1), x).item<float>();
        Assert.AreEqual(after, r.DecoderTestMse[0], 1e-6f);
        Assert.IsLessThan(0.7f * before, after, $"decoder 1 test MSE {before} → {after}");
    }

    [TestMethod]
    public void Run_SameSeedAndThreads_BitIdentical()
    {
        var options = TestData.Small(sigmaW2: 1.3, seed: 99);
        var a = ReconstructionProbe.Run(TestData.Train, TestData.Test, options);
        var b = ReconstructionProbe.Run(TestData.Train, TestData.Test, options);
        Assert.AreEqual(a.Cutoff, b.Cutoff);
        CollectionAssert.AreEqual(a.MedianRelativeEntropy, b.MedianRelativeEntropy);
        CollectionAssert.AreEqual(a.DifferentialEntropy, b.DifferentialEntropy);
        CollectionAssert.AreEqual(a.DecoderTestMse, b.DecoderTestMse);
        for (int i = 0; i < a.PerSampleRelativeEntropy.Length; i++)
        {
            CollectionAssert.AreEqual(a.PerSampleRelativeEntropy[i], b.PerSampleRelativeEntropy[i]);
        }
        var c = ReconstructionProbe.Run(TestData.Train, TestData.Test, options with { Seed = 100 });
        CollectionAssert.AreNotEqual(a.MedianRelativeEntropy, c.MedianRelativeEntropy);
    }

    [TestMethod]
    public void Run_OrderedVersusCritical_CutoffMuchLowerInTheOrderedPhase()
    {
        // Paper §5 C.11 on the embedded subset: width 128, depth 30, σ_b² = 0.05, one epoch. A plain implementation gave
        // cutoff 3 at σ_w² = 0.5 and 14 at 1.76. The chaotic side is not tested at this depth (6ξ_c > 30 there).
        var baseOptions = new ProbeOptions
        {
            SigmaW2 = 0.5, Depth = 30, Width = NetworkWidth.Fixed(128), Seed = 1, Threads = 1, Device = DeviceKind.Cpu,
            ReconstructionImages = 0,
        };
        var ordered = ReconstructionProbe.Run(TestData.Train, TestData.Test, baseOptions);
        var critical = ReconstructionProbe.Run(TestData.Train, TestData.Test, baseOptions with { SigmaW2 = 1.76 });
        Assert.IsLessThanOrEqualTo(6, ordered.Cutoff);
        Assert.IsGreaterThanOrEqualTo(ordered.Cutoff + 6, critical.Cutoff, $"cutoffs {ordered.Cutoff} (0.5) vs {critical.Cutoff} (1.76)");
    }

    [TestMethod]
    public void Fit_ReportsProgressPerChunkOfBatches()
    {
        var reports = new List<ProbeProgress>();
        // 512 images at batch 64 are one chunk (up to 4,096 images) per epoch: one report per epoch.
        using var model = ReconstructionProbe.Fit(TestData.Train, TestData.Small() with { Epochs = 3 }, new SyncProgress(reports.Add));
        Assert.AreEqual(ProbePhase.Building, reports[0].Phase);
        var training = reports.Where(p => p.Phase == ProbePhase.Training && p.Batch > 0).ToList();
        Assert.IsTrue(training.Select(p => p.Batch).SequenceEqual([8, 16, 24]), "batches done after each report");
        Assert.IsTrue(training.Select(p => p.Epoch).SequenceEqual([1, 2, 3]), "epochs");
        Assert.IsTrue(training.All(p => p.TotalBatches == 24 && p.SamplesPerSecond > 0));
    }

    [TestMethod]
    public void Fit_Cancelled_StopsBetweenChunks()
    {
        using var cts = new CancellationTokenSource();
        int reports = 0;
        var progress = new SyncProgress(p =>
        {
            if (p.Phase == ProbePhase.Training && p.Batch > 0 && ++reports == 1)
            {
                cts.Cancel();
            }
        });
        Assert.ThrowsExactly<OperationCanceledException>(() => ReconstructionProbe.Fit(TestData.Train, TestData.Small() with { Epochs = 3 }, progress, cts.Token));
        Assert.AreEqual(1, reports);
    }

    [TestMethod]
    public void ProbeModel_SaveLoad_IdenticalReconstructions()
    {
        using var model = ReconstructionProbe.Fit(TestData.Train, TestData.Small());
        using var stream = new MemoryStream();
        model.Save(stream);
        Assert.IsTrue(stream.CanWrite, "Save must leave the stream open.");
        stream.Position = 0;
        using var loaded = ProbeModel.Load(stream, DeviceKind.Cpu);
        Assert.AreEqual(stream.Length, stream.Position);
        using var scope = NewDisposeScope();
        var x = tensor(TestData.Test.Take(5).Pixels.ToArray(), [5, 784]);
        var a = model.ReconstructionsFromAllLayers(x);
        var b = loaded.ReconstructionsFromAllLayers(x);
        CollectionAssert.AreEqual(new long[] { 5, 6, 784 }, a.shape);
        Assert.IsTrue(a.Equals(b));
        var ea = model.Evaluate(TestData.Test);
        var eb = loaded.Evaluate(TestData.Test);
        CollectionAssert.AreEqual(ea.MedianRelativeEntropy, eb.MedianRelativeEntropy);
        Assert.AreEqual(ea.Cutoff, eb.Cutoff);
        Assert.AreEqual("32", loaded.Options.Width.ToString());
    }

    [TestMethod]
    public void ProbeModel_LoadGarbage_ThrowsInvalidData()
    {
        using var stream = new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.ThrowsExactly<InvalidDataException>(() => ProbeModel.Load(stream, DeviceKind.Cpu));
        using var truncated = new MemoryStream();
        using (var model = ReconstructionProbe.Fit(TestData.Train, TestData.Small() with { TrainSamples = 64 }))
        {
            model.Save(truncated);
        }
        truncated.SetLength(truncated.Length / 2);
        truncated.Position = 0;
        Assert.ThrowsExactly<InvalidDataException>(() => ProbeModel.Load(truncated, DeviceKind.Cpu));
    }

    [TestMethod]
    public void RelativeEntropyPerLayer_ConcurrentCallers_AgreeWithEvaluate()
    {
        var options = TestData.Small();
        using var model = ReconstructionProbe.Fit(TestData.Train, options);
        var r = model.Evaluate(TestData.Test);
        int[] sample = model.EntropySample(TestData.Test.Count);
        float[] pixels = [.. sample.SelectMany(i => TestData.Test.Image(i).ToArray())];
        var results = new float[4][];
        Parallel.For(0, 4, i => results[i] = model.RelativeEntropyPerLayer(pixels, sample.Length));
        for (int i = 1; i < 4; i++)
        {
            CollectionAssert.AreEqual(results[0], results[i]);
        }
        for (int n = 0; n < sample.Length; n++)
        {
            for (int l = 0; l < model.CurveLength; l++)
            {
                Assert.AreEqual(r.PerSampleRelativeEntropy[n][l], results[0][(n * model.CurveLength) + l], 1e-4f);
            }
        }
    }

    [TestMethod]
    public void IdealInputs_DecodeOneHotThroughTheWholeCascade()
    {
        using var model = ReconstructionProbe.Fit(TestData.Train, TestData.Small() with { TrainSamples = 128 });
        float[][] ideal = model.IdealInputs();
        using var scope = NewDisposeScope();
        var oneHot = full(10, 10, -1f);
        oneHot[3, 3] = tensor(1f);
        var expected = model.Network.Reconstruct(oneHot, model.Network.Depth)[3].data<float>().ToArray();
        CollectionAssert.AreEqual(expected, ideal[3]);
    }
}
