#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;

namespace Entropy.MLNet.Tests.Probe;

/// <summary>A network whose activations overflow is reported as diverging, and its NaN never reads as a trainable depth.</summary>
[TestClass]
public sealed class DivergenceTests
{
    private static readonly bool[] AllFinite = [true, true, true, true, true, true, true, true];

    [TestMethod]
    public void FirstLayer_FiniteEverywhere_Null()
    {
        Assert.IsNull(Divergence.FirstLayer(AllFinite, [[3f, 2f, 1f], [4f, 2f, 1f]]));
    }

    [TestMethod]
    public void FirstLayer_EntropyNaNOrInfinite_ThatLayer()
    {
        Assert.AreEqual(3, Divergence.FirstLayer(AllFinite, [[3f, 2f, float.NaN, float.NaN], [4f, 2f, 1f, float.NaN]]));
        Assert.AreEqual(2, Divergence.FirstLayer(AllFinite, [[3f, 2f, float.NaN], [4f, float.PositiveInfinity, 1f]]));
    }

    [TestMethod]
    public void FirstLayer_ActivationsOverflowBeforeEntropies_ActivationLayer()
    {
        bool[] activations = [true, false, false, false];
        Assert.AreEqual(2, Divergence.FirstLayer(activations, [[3f, 2f, float.NaN]]));
        // Only the excluded deepest layers overflow: the curve is whole, the divergence still reported.
        Assert.AreEqual(4, Divergence.FirstLayer([true, true, true, false], [[3f, 2f]]));
    }

    [TestMethod]
    public void FromSamples_NaNTail_OldRuleReadsTheMaximumNewRuleStopsBeforeTheDivergence()
    {
        // Falls to a plateau at layers 3–4, then overflows from layer 5 (curve index 4).
        float[][] perSample = [[4f, 3f, 2f, 2f, float.NaN, float.NaN], [5f, 3f, 2f, 2f, float.NaN, float.NaN], [4f, 2f, 1f, 1f, float.NaN, float.NaN]];

        // The bug: NaN compares false, so the whole NaN curve looks flat and reads as the maximum depth.
        Assert.AreEqual(6, Cutoff.FromSamples(perSample));

        int? divergence = Divergence.FirstLayer(AllFinite, perSample);
        Assert.AreEqual(5, divergence);
        int cutoff = Cutoff.FromSamples(perSample, divergence);
        // The rule on layers 1..4, normalised by layer 4: index 1 is the deepest that differs from the plateau.
        Assert.AreEqual(Cutoff.FromSamples([.. perSample.Select(c => c[..4])]), cutoff);
        Assert.AreEqual(1, cutoff);
        double[] normalised = Cutoff.NormalizedMedian(perSample, divergence);
        Assert.AreEqual(1.0, normalised[3]);
        Assert.IsTrue(double.IsNaN(normalised[4]) && double.IsNaN(normalised[5]));
    }

    [TestMethod]
    public void FromSamples_FlatUpToTheDivergence_AtMostTheLayerBefore()
    {
        float[][] perSample = [[2f, 2f, 2f, float.NaN, float.NaN], [1f, 1f, 1f, float.NaN, float.NaN]];
        Assert.AreEqual(3, Cutoff.FromSamples(perSample, divergenceLayer: 4), "a flat finite part reads as its length, ℓ − 1");
        Assert.AreEqual(0, Cutoff.FromSamples([[float.NaN, float.NaN]], divergenceLayer: 1), "nothing measured: no depth");
        Assert.AreEqual(Cutoff.FromSamples(perSample), Cutoff.FromSamples(perSample, divergenceLayer: null));
    }

    /// <summary>ReLU at σ_w² = 1e30 multiplies activations by ~7e14 per layer: float32 overflows within three layers.</summary>
    [TestMethod]
    public void Run_ReluWithHugeSigmaW2_ReportsDivergenceNotADepth()
    {
        var options = TestData.Small(sigmaW2: 1e30) with { Activation = Activation.Relu, TrainSamples = 128, EntropySamples = 10, ReconstructionImages = 0 };

        ProbeResult result = ReconstructionProbe.Run(TestData.Train, TestData.Test, options);

        Assert.IsNotNull(result.DivergenceLayer, "the overflow is detected");
        int diverges = result.DivergenceLayer.Value;
        Assert.IsTrue(diverges is >= 1 and <= 3, $"diverges at layer {diverges}");
        Assert.IsLessThan(diverges, result.Cutoff, "the cutoff lies below the divergence layer");
        for (int i = diverges - 1; i < result.NormalizedMedian.Length; i++)
        {
            Assert.IsTrue(float.IsNaN(result.NormalizedMedian[i]), $"normalised median at layer {i + 1} is no measurement");
        }
        Assert.AreEqual(diverges, ProbeResult.FromJson(result.ToJson()).DivergenceLayer, "JSON carries it");
        StringAssert.Contains(result.ToJson(), "\"divergenceLayer\":");
    }

    [TestMethod]
    public void Run_TanhNetwork_NoDivergence()
    {
        ProbeResult result = ReconstructionProbe.Run(TestData.Train, TestData.Test, TestData.Small() with { TrainSamples = 128, EntropySamples = 10, ReconstructionImages = 0 });

        Assert.IsNull(result.DivergenceLayer);
        Assert.DoesNotContain("divergenceLayer", result.ToJson());
    }
}
