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

    private static IReadOnlyList<double>[] Chunks(params double[][] losses) => [.. losses.Select(l => (IReadOnlyList<double>)l)];

    [TestMethod]
    public void SamplesConverged_DecreasingLosses_NotUntilTheImprovementFallsBelowTheTolerance()
    {
        // Two decoders whose summed loss falls by 5 % per chunk for ten chunks, then by 0.5 % per chunk.
        var chunks = new List<IReadOnlyList<double>>();
        double a = 1.0, b = 0.5;
        int firstStop = -1;
        for (int k = 0; k < 16; k++)
        {
            double rate = k < 10 ? 0.95 : 0.995;
            a *= rate;
            b *= rate;
            chunks.Add([a, b, double.NaN]);
            bool stop = AdaptiveBudget.SamplesConverged(chunks, (k + 1) * 2048L);
            if (stop && firstStop < 0)
            {
                firstStop = k;
            }
            if (k < 10)
            {
                Assert.IsFalse(stop, $"chunk {k}: the loss still falls by 5 %");
            }
        }
        Assert.AreEqual(10, firstStop, "the first chunk whose improvement is below 1 %");
    }

    [TestMethod]
    public void SamplesConverged_FlatLosses_NeverBeforeTheMinimumImages()
    {
        var flat = Chunks([0.1, 0.2], [0.1, 0.2], [0.1, 0.2]);
        Assert.IsFalse(AdaptiveBudget.SamplesConverged(flat, AdaptiveBudget.MinimumImages - 1));
        Assert.IsTrue(AdaptiveBudget.SamplesConverged(flat, AdaptiveBudget.MinimumImages));
        Assert.IsFalse(AdaptiveBudget.SamplesConverged(Chunks([0.1, 0.2]), 1_000_000), "one chunk has nothing to compare with");
    }

    [TestMethod]
    public void SamplesConverged_RisingOrNonFiniteLoss_RisingStopsNonFiniteNever()
    {
        Assert.IsTrue(AdaptiveBudget.SamplesConverged(Chunks([0.1], [0.12]), 1_000_000), "a loss that no longer falls has converged");
        Assert.IsFalse(AdaptiveBudget.SamplesConverged(Chunks([0.1], [double.PositiveInfinity]), 1_000_000));
        Assert.IsFalse(AdaptiveBudget.SamplesConverged(Chunks([double.PositiveInfinity], [0.1]), 1_000_000));
    }

    [TestMethod]
    public void SamplesConverged_Window_ComparesWholeWindows()
    {
        // Per chunk the loss alternates (noise); over windows of two chunks it is flat.
        var noisy = Chunks([1.0], [0.9], [1.0], [0.9]);
        Assert.IsFalse(AdaptiveBudget.SamplesConverged(Chunks([1.0], [0.9]), 1_000_000, window: 1));
        Assert.IsTrue(AdaptiveBudget.SamplesConverged(noisy, 1_000_000, window: 2));
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
    public void Stages_DoubleUpToTheNetwork()
    {
        Assert.AreEqual(50, AdaptiveBudget.FirstStage(200));
        Assert.AreEqual(30, AdaptiveBudget.FirstStage(30));
        Assert.AreEqual(100, AdaptiveBudget.NextStage(50, 200));
        Assert.AreEqual(200, AdaptiveBudget.NextStage(100, 200));
        Assert.AreEqual(150, AdaptiveBudget.NextStage(100, 150));
    }

    [TestMethod]
    public void DepthRule_OnSyntheticCurves_KeepsTheFullCurvesCutoff()
    {
        // Curves that rise to a plateau at layer p (noise-free): stopping where the rule says gives the full curve's cutoff.
        foreach (int plateau in new[] { 5, 12, 25, 33 })
        {
            float[][] full = [.. Enumerable.Range(0, 9).Select(s => Enumerable.Range(1, 198).Select(l => (float)((1 + (0.01 * s)) * (1.0 + (0.3 * Math.Min(l, plateau) / plateau)))).ToArray())];
            int fullCutoff = Cutoff.FromSamples(full);
            int measured = AdaptiveBudget.FirstStage(200);
            while (true)
            {
                float[][] truncated = [.. full.Select(c => c[..Math.Min(measured, c.Length)])];
                int cutoff = Cutoff.FromSamples(truncated);
                if (AdaptiveBudget.DepthSaturated(cutoff, measured, 200, null))
                {
                    Assert.AreEqual(fullCutoff, cutoff, $"plateau {plateau}: stopped at {measured}");
                    break;
                }
                measured = AdaptiveBudget.NextStage(measured, 200);
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
        Assert.AreEqual(AdaptiveBudget.FirstStage(60), a.MeasuredLayers);
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
