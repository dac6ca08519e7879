using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Mlp;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Probe;

/// <summary>
/// The adaptive mode's rules on synthetic losses and curves (stop after convergence or saturation plus a margin, never
/// before), and the adaptive probe end to end: deterministic, NaN past the layers it measured, refused where unmeasured.
/// </summary>
[TestClass]
public sealed class AdaptiveBudgetTests
{
    [ClassInitialize]
    public static void Init(TestContext context) => TorchRuntime.EnsureLoaded();

    [TestMethod]
    public void LossWindows_DecreasingLoss_FrozenOnlyOnceTheImprovementFallsBelowTheTolerance()
    {
        // Decoder 1's loss falls by 5 % per 2,048 images for ten windows, then by 0.5 %; decoder 2's is flat from the start;
        // decoder 3 is not trained (NaN). Chunks of 1,024 images: two per window.
        var windows = new AdaptiveBudget.LossWindows(windowImages: 2048, tolerance: 0.01, consecutive: 1, minimumImages: 4096);
        double a = 1.0;
        var frozenAt = new Dictionary<int, long>();
        for (int chunk = 1; chunk <= 32; chunk++)
        {
            if (chunk % 2 == 1)
            {
                a *= chunk <= 20 ? 0.95 : 0.995;
            }
            long images = chunk * 1024L;
            foreach (int layer in windows.Add([a, 0.2, double.NaN], images))
            {
                frozenAt.TryAdd(layer, images);
            }
            if (chunk % 2 == 1)
            {
                Assert.IsFalse(frozenAt.ContainsKey(1) && frozenAt[1] == images, "only a completed window decides");
            }
        }
        Assert.AreEqual(16, windows.Count);
        Assert.AreEqual(4096, frozenAt[2], "a flat loss converges as soon as the minimum images are seen, not before");
        Assert.AreEqual(11 * 2048L, frozenAt[1], "the first window whose improvement is below 1 % (window 11: chunks 21–22)");
        Assert.IsFalse(frozenAt.ContainsKey(3), "a decoder not trained never converges");
    }

    [TestMethod]
    public void LossWindows_OneQuietWindow_NotEnoughWhenTwoInARowAreAsked()
    {
        // Windows of one chunk: the loss falls 3 %, then 0.1 % (a noisy pause), then 3 %, then 0.1 % twice.
        var windows = new AdaptiveBudget.LossWindows(windowImages: 1000, tolerance: 0.005, consecutive: 2, minimumImages: 0);
        double[] values = [1.0, 0.97, 0.969, 0.94, 0.9391, 0.9382];
        int[] frozen = [.. values.Select((v, k) => windows.Add([v], (k + 1) * 1000L).Count)];
        Assert.AreEqual("0,0,0,0,0,1", string.Join(",", frozen));
        Assert.AreEqual(2, AdaptiveBudget.ConsecutiveWindows, "the default asks for two windows in a row");
    }

    [TestMethod]
    public void DecoderConverged_RisingConvergesNonFiniteNever()
    {
        Assert.IsTrue(AdaptiveBudget.DecoderConverged(0.10, 0.12));
        Assert.IsTrue(AdaptiveBudget.DecoderConverged(0.100, 0.0996));
        Assert.IsFalse(AdaptiveBudget.DecoderConverged(0.100, 0.099));
        Assert.IsFalse(AdaptiveBudget.DecoderConverged(0.1, double.PositiveInfinity));
        Assert.IsFalse(AdaptiveBudget.DecoderConverged(double.NaN, 0.1));
    }

    [TestMethod]
    [DataRow(10, 50, 100, true, DisplayName = "cutoff 10, margin 10: saturated at 50")]
    [DataRow(41, 50, 100, false, DisplayName = "cutoff 41 + margin 21 > 50")]
    [DataRow(30, 50, 100, false, DisplayName = "cutoff 30 + margin 15 = 45 ≤ 50: saturated")]
    [DataRow(60, 100, 100, true, DisplayName = "the whole network measured")]
    [DataRow(5, 40, 100, false, DisplayName = "below the minimum depth")]
    public void DepthSaturated_CutoffMarginAndMinimumDepth(int cutoff, int measured, int depth, bool expected)
    {
        bool saturated = AdaptiveBudget.DepthSaturated(cutoff, measured, depth, null);
        int margin = Math.Max(AdaptiveBudget.MarginLayers, (int)Math.Ceiling(AdaptiveBudget.MarginFraction * cutoff));
        Assert.AreEqual(measured >= depth || (measured >= AdaptiveBudget.MinimumDepth && cutoff + margin <= measured), saturated);
        if (cutoff != 30)
        {
            Assert.AreEqual(expected, saturated);
        }
    }

    [TestMethod]
    public void DepthSaturated_DivergenceWithinTheMeasuredLayers_Stops()
    {
        Assert.IsTrue(AdaptiveBudget.DepthSaturated(40, 50, 200, divergenceLayer: 45));
        Assert.IsFalse(AdaptiveBudget.DepthSaturated(48, 50, 200, divergenceLayer: 120));
    }

    [TestMethod]
    public void Stages_DoubleUpToTheNetwork_NeverAStageForTheExcludedLayersAlone()
    {
        Assert.AreEqual(50, AdaptiveBudget.FirstStage(200, 198));
        Assert.AreEqual(30, AdaptiveBudget.FirstStage(30, 28));
        Assert.AreEqual(52, AdaptiveBudget.FirstStage(52, 50), "a first stage that would end at the curve's end takes the whole network");
        Assert.AreEqual(100, AdaptiveBudget.NextStage(50, 200, 198));
        Assert.AreEqual(200, AdaptiveBudget.NextStage(100, 200, 198));
        Assert.AreEqual(150, AdaptiveBudget.NextStage(100, 150, 148));
        Assert.AreEqual(102, AdaptiveBudget.NextStage(50, 102, 100), "depth 102: after 50 the next stage is the whole network, not 100 then 101–102");
    }

    [TestMethod]
    public void DepthRule_OnSyntheticCurves_KeepsTheFullCurvesCutoff()
    {
        // Curves that rise to a plateau at layer p (noise-free): stopping where the rule says gives the full curve's cutoff.
        foreach (int plateau in new[] { 5, 12, 25, 33 })
        {
            float[][] full = [.. Enumerable.Range(0, 9).Select(s => Enumerable.Range(1, 198).Select(l => (float)((1 + (0.01 * s)) * (1.0 + (0.3 * Math.Min(l, plateau) / plateau)))).ToArray())];
            int fullCutoff = Cutoff.FromSamples(full);
            int measured = AdaptiveBudget.FirstStage(200, 198);
            while (true)
            {
                float[][] truncated = [.. full.Select(c => c[..Math.Min(measured, c.Length)])];
                int cutoff = Cutoff.FromSamples(truncated);
                if (AdaptiveBudget.DepthSaturated(cutoff, measured, 200, null))
                {
                    Assert.AreEqual(fullCutoff, cutoff, $"plateau {plateau}: stopped at {measured}");
                    break;
                }
                measured = AdaptiveBudget.NextStage(measured, 200, 198);
            }
        }
    }

    [TestMethod]
    public void Trainer_FirstLayer_LeavesShallowerDecodersAndMeasuresTheChunkLoss()
    {
        using var scope = NewDisposeScope();
        var spec = new NetworkSpec { InputSize = 784, Classes = 10, Depth = 4, SigmaW2 = 1.5, Seed = 3, Width = NetworkWidth.Fixed(32) };
        using var net = DeepNetwork.Create(spec);
        using var cascade = new Cascade(net.LayerSizes, Activation.Tanh, 3);
        using var trainer = new CascadeTrainer(net, cascade, 1e-3, CPU) { FirstLayer = 2, LastLayer = 3 };
        var before = Enumerable.Range(1, 4).Select(l => cascade.Decode(l, ones(1, net.LayerSizes[l])).clone()).ToArray();
        var rows = tensor(TestData.Train.Take(128).Pixels.ToArray(), [128, 784]);
        Tensor[] h;
        using (no_grad())
        {
            h = net.LayerOutputs(rows.narrow(0, 0, 64));
        }
        double expected2;
        using (no_grad())
        {
            expected2 = nn.functional.mse_loss(cascade.Decode(2, h[2]), h[1]).item<float>();
        }

        trainer.TrainBatches(rows, [64, 64]);

        Assert.IsTrue(cascade.Decode(1, ones(1, net.LayerSizes[1])).allclose(before[0], 0, 0), "decoder 1 is below FirstLayer");
        Assert.IsFalse(cascade.Decode(2, ones(1, net.LayerSizes[2])).allclose(before[1], 0, 0), "decoder 2 trained");
        Assert.IsTrue(cascade.Decode(4, ones(1, net.LayerSizes[4])).allclose(before[3], 0, 0), "decoder 4 is beyond LastLayer");
        var losses = trainer.ChunkLosses!;
        Assert.IsTrue(double.IsNaN(losses[0]) && double.IsNaN(losses[3]));
        Assert.IsTrue(losses[1] > 0 && losses[2] > 0);
        // The chunk's mean holds the first mini-batch's loss before its step (the second's is after one step: close).
        Assert.AreEqual(expected2, losses[1], 0.05 * expected2);

        // A frozen decoder takes no more steps; with every decoder of the range frozen, a chunk does nothing.
        trainer.Freeze(3);
        var third = cascade.Decode(3, ones(1, net.LayerSizes[3])).clone();
        trainer.TrainBatches(rows, [64, 64]);
        Assert.IsTrue(cascade.Decode(3, ones(1, net.LayerSizes[3])).allclose(third, 0, 0), "decoder 3 frozen");
        Assert.IsTrue(double.IsNaN(trainer.ChunkLosses![2]));
        Assert.AreEqual(2, trainer.DeepestTraining());
        trainer.Freeze(2);
        Assert.AreEqual(0, trainer.DeepestTraining());
        var second = cascade.Decode(2, ones(1, net.LayerSizes[2])).clone();
        trainer.TrainBatches(rows, [64, 64]);
        Assert.IsTrue(cascade.Decode(2, ones(1, net.LayerSizes[2])).allclose(second, 0, 0));
    }

    private static ProbeOptions Adaptive(double sigmaW2) => new()
    {
        SigmaW2 = sigmaW2,
        Depth = 60,
        Width = NetworkWidth.Fixed(32),
        TrainSamples = 1500,
        EntropySamples = 30,
        ReconstructionImages = 2,
        Seed = 11,
        Threads = 1,
        Device = DeviceKind.Cpu,
        Mode = ProbeMode.Adaptive,
    };

    [TestMethod]
    public void Run_Adaptive_SameSeedBitIdentical_NaNPastTheMeasuredLayers()
    {
        var options = Adaptive(0.5);
        ProbeResult a = ReconstructionProbe.Run(TestData.Train, TestData.Test, options);
        ProbeResult b = ReconstructionProbe.Run(TestData.Train, TestData.Test, options);

        Assert.AreEqual("adaptive", a.Mode);
        // σ_w² 0.5 is deep in the ordered phase: the curve saturates within the first stage.
        Assert.AreEqual(AdaptiveBudget.FirstStage(60, 58), a.MeasuredLayers);
        Assert.HasCount(58, a.MedianRelativeEntropy);
        Assert.IsTrue(a.MedianRelativeEntropy.Take(50).All(float.IsFinite));
        Assert.IsTrue(a.MedianRelativeEntropy.Skip(50).All(float.IsNaN) && a.DecoderTestMse.Skip(50).All(float.IsNaN));
        Assert.IsLessThan(40, a.Cutoff);
        Assert.IsNotNull(a.TrainImagesUsed);
        Assert.IsTrue(a.TrainImagesUsed is >= AdaptiveBudget.MinimumImages or 1500, $"images used: {a.TrainImagesUsed}");
        Assert.IsEmpty(a.IdealInputs!, "no ideal inputs through untrained decoders");
        Assert.HasCount(51, a.Reconstructions!.Layers);
        CollectionAssert.AreEqual(a.PerSampleRelativeEntropy.SelectMany(c => c).Select(BitConverter.SingleToInt32Bits).ToArray(),
            b.PerSampleRelativeEntropy.SelectMany(c => c).Select(BitConverter.SingleToInt32Bits).ToArray(), "same seed and threads: bit-identical");
        Assert.AreEqual(a.Cutoff, b.Cutoff);
    }

    [TestMethod]
    public void Run_Faithful_IsTheDefaultAndReportsNoMode()
    {
        Assert.AreEqual(ProbeMode.Faithful, new ProbeOptions { SigmaW2 = 1, Depth = 3 }.Mode);
        ProbeResult r = ReconstructionProbe.Run(TestData.Train, TestData.Test, TestData.Small());
        Assert.IsNull(r.Mode);
        Assert.IsNull(r.MeasuredLayers);
        Assert.IsNull(r.TrainImagesUsed);
    }

    [TestMethod]
    public void Validate_AdaptiveConvolutional_RefusedNamingTheMode()
    {
        var options = new ProbeOptions { Architecture = "cnn", Channels = 4, SigmaW2 = 1, SigmaB2 = 2e-5, Depth = 3, Mode = ProbeMode.Adaptive };
        var ex = Assert.ThrowsExactly<ArgumentException>(() => options.Validate(TestData.Train));
        Assert.AreEqual(nameof(ProbeOptions.Mode), ex.ParamName);
    }
}
