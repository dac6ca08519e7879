using Entropy.MLNet.Architectures.Mlp;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Tests.Probe;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Architectures;

/// <summary>
/// The closed-form decoders: the ridge regression recovers a linear map, ignores what lies below its noise floor, gives
/// the mean for a constant layer and NaN for a diverging one; the probe in least-squares mode is deterministic, fits
/// its decoders better than one epoch of Adam, and keeps the ordered phase's collapse.
/// </summary>
[TestClass]
public sealed class LeastSquaresDecodersTests
{
    [ClassInitialize]
    public static void Init(TestContext context) => TorchRuntime.EnsureLoaded();

    private static (Tensor Input, Tensor Map, Tensor Offset) Linear(long rows, int nIn, int nOut, double inputStd, ulong seed)
    {
        using var g = new Generator(seed);
        Tensor input = randn([rows, nIn], generator: g).mul_(inputStd.ToScalar());
        Tensor map = randn([nOut, nIn], generator: g);
        Tensor offset = randn([nOut], generator: g);
        return (input, map, offset);
    }

    [TestMethod]
    public void Solve_ExactLinearMap_RecoveredUpToTheRidge()
    {
        var (input, map, offset) = Linear(4000, 8, 5, 1.0, 3);
        using var target = input.mm(map.t()).add_(offset);
        var (w, b) = LeastSquaresDecoders.Solve(input, target);
        // The relative ridge shrinks by about Ridge: 1e-3 of the map.
        Assert.IsTrue(w.allclose(map, rtol: 0, atol: 1e-2), $"max |W - A| = {w.sub(map).abs().max().item<float>()}");
        Assert.IsTrue(b.allclose(offset, rtol: 0, atol: 1e-2));
        Assert.IsTrue(w.sub(map).abs().max().item<float>() > 0, "the ridge is not zero");
    }

    [TestMethod]
    public void Solve_SignalBelowTheNoiseFloor_NotAmplified()
    {
        // The same exact map once on inputs with variance far above the floor and once far below it.
        double above = Math.Sqrt(LeastSquaresDecoders.NoiseFloor) * 100;
        double below = Math.Sqrt(LeastSquaresDecoders.NoiseFloor) / 100;
        var (z, map, offset) = Linear(4000, 8, 5, 1.0, 5);
        using var target = z.mm(map.t()).add_(offset);
        var (wLoud, _) = LeastSquaresDecoders.Solve(z.mul(above), target);
        var (wQuiet, bQuiet) = LeastSquaresDecoders.Solve(z.mul(below), target);
        Assert.IsTrue(wLoud.mul(above).allclose(map, rtol: 0, atol: 2e-2), "above the floor: the map, scaled back");
        // Below: the decoder would need a gain of 1/below to undo the layer; the floor keeps it near zero, so the output is the mean.
        Assert.IsLessThan(1e-2, wQuiet.mul(below).abs().max().item<float>());
        Assert.IsTrue(bQuiet.allclose(offset, rtol: 0, atol: 0.1));
    }

    [TestMethod]
    public void Solve_ConstantLayer_DecodesToTheMean()
    {
        using var input = full(100, 6, 0.3f);
        using var g = new Generator(9);
        using var target = randn([100, 4], generator: g);
        var (w, b) = LeastSquaresDecoders.Solve(input, target);
        Assert.AreEqual(0f, w.abs().max().item<float>());
        Assert.IsTrue(b.allclose(target.mean([0]), rtol: 0, atol: 1e-6));
    }

    [TestMethod]
    public void Solve_NonFiniteLayer_GivesNaNParameters()
    {
        using var input = ones(10, 3);
        input[2, 1] = tensor(float.PositiveInfinity);
        var (w, b) = LeastSquaresDecoders.Solve(input, ones(10, 2));
        Assert.IsTrue(w.isnan().all().item<bool>() && b.isnan().all().item<bool>());
    }

    [TestMethod]
    public void PreActivation_ClampedAtanh_FiniteForWhitePixels()
    {
        using var t = tensor(new float[] { 0f, 0.5f, 1f, -1f });
        float[] z = LeastSquaresDecoders.PreActivation(t).data<float>().ToArray();
        Assert.AreEqual(0f, z[0]);
        Assert.AreEqual(Math.Atanh(0.5), z[1], 1e-6);
        Assert.AreEqual(Math.Atanh(LeastSquaresDecoders.TargetBound), z[2], 1e-4);
        Assert.AreEqual(-z[2], z[3]);
    }

    private static ProbeOptions LeastSquares(double sigmaW2, int depth = 6) => TestData.Small(sigmaW2) with
    {
        Depth = depth,
        TrainSamples = 1500,
        EntropySamples = 30,
        Mode = ProbeMode.LeastSquares,
    };

    [TestMethod]
    public void Fit_BeatsOneEpochOfAdamOnTheLayerLocalLoss()
    {
        // The decoders' own training loss, on the images they were fitted to: the closed form reaches what Adam would
        // converge to, so it must be below one epoch's result at every layer.
        using var ls = ReconstructionProbe.Fit(TestData.Train, LeastSquares(1.0));
        using var adam = ReconstructionProbe.Fit(TestData.Train, LeastSquares(1.0) with { Mode = ProbeMode.Faithful });
        float[] a = ls.Evaluate(TestData.Train.Take(1500)).DecoderTestMse;
        float[] b = adam.Evaluate(TestData.Train.Take(1500)).DecoderTestMse;
        for (int l = 0; l < a.Length; l++)
        {
            Assert.IsLessThan(b[l], a[l], $"decoder {l + 1}: least squares {a[l]} vs Adam {b[l]}");
        }
    }

    [TestMethod]
    public void Run_LeastSquares_SameSeedBitIdentical_NamedInTheResult()
    {
        ProbeResult a = ReconstructionProbe.Run(TestData.Train, TestData.Test, LeastSquares(1.5));
        ProbeResult b = ReconstructionProbe.Run(TestData.Train, TestData.Test, LeastSquares(1.5));
        Assert.AreEqual("least-squares", a.Mode);
        Assert.IsTrue(a.MedianRelativeEntropy.All(float.IsFinite));
        CollectionAssert.AreEqual(a.PerSampleRelativeEntropy.SelectMany(c => c).Select(BitConverter.SingleToInt32Bits).ToArray(),
            b.PerSampleRelativeEntropy.SelectMany(c => c).Select(BitConverter.SingleToInt32Bits).ToArray(), "same seed and threads: bit-identical");
        Assert.IsNotNull(a.WorkGflop);
        Assert.IsGreaterThan(0, a.IdealInputs!.Length);
    }

    [TestMethod]
    public void Run_LeastSquares_OrderedCollapsesCriticalDoesNot()
    {
        // The ordered phase forgets the input within a few dozen layers (the reconstructions' differential entropy drops
        // far below layer 1's); near the critical point it does not within the depth.
        ProbeResult ordered = ReconstructionProbe.Run(TestData.Train, TestData.Test, LeastSquares(0.5, 40));
        ProbeResult critical = ReconstructionProbe.Run(TestData.Train, TestData.Test, LeastSquares(1.7, 40));
        double drop(ProbeResult r) => r.DifferentialEntropy[0] - r.DifferentialEntropy.Where(double.IsFinite).Min();
        Assert.IsGreaterThan(5, drop(ordered), $"ordered drop {drop(ordered)}");
        Assert.IsLessThan(5, drop(critical), $"critical drop {drop(critical)}");
    }

    [TestMethod]
    public void Run_LeastSquaresDeeperThanTheCalibrationReads_MeasuresTheFirst100Layers()
    {
        var options = LeastSquares(1.2, 104) with { Width = NetworkWidth.Fixed(16), EntropySamples = 10, ReconstructionImages = 0 };
        ProbeResult r = ReconstructionProbe.Run(TestData.Train, TestData.Test, options);
        Assert.AreEqual(LeastSquaresDecoders.MeasuredDepth, r.MeasuredLayers);
        Assert.HasCount(102, r.MedianRelativeEntropy);
        Assert.IsTrue(r.MedianRelativeEntropy.Take(100).All(float.IsFinite));
        Assert.IsTrue(r.MedianRelativeEntropy.Skip(100).All(float.IsNaN) && r.DecoderTestMse.Skip(100).All(float.IsNaN));
        // A curve that ends at layer 100 is measured whole (depth 102, two layers excluded): the committed runs' settings.
        ProbeResult whole = ReconstructionProbe.Run(TestData.Train, TestData.Test, options with { Depth = 102 });
        Assert.IsNull(whole.MeasuredLayers);
        Assert.IsTrue(whole.MedianRelativeEntropy.All(float.IsFinite));
    }

    [TestMethod]
    public void SaveLoad_KeepsTheModeAndTheMeasuredLayers()
    {
        var options = LeastSquares(1.2, 104) with { Width = NetworkWidth.Fixed(16), EntropySamples = 10, ReconstructionImages = 0 };
        using var model = ReconstructionProbe.Fit(TestData.Train, options);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        using var loaded = ProbeModel.Load(stream, DeviceKind.Cpu);
        Assert.AreEqual(ProbeMode.LeastSquares, loaded.Options.Mode);
        ProbeResult a = model.Evaluate(TestData.Test);
        ProbeResult b = loaded.Evaluate(TestData.Test);
        Assert.AreEqual("least-squares", b.Mode);
        Assert.AreEqual(LeastSquaresDecoders.MeasuredDepth, b.MeasuredLayers);
        CollectionAssert.AreEqual(a.MedianRelativeEntropy, b.MedianRelativeEntropy);
    }

    [TestMethod]
    public void ModeNames_RoundTrip_AndMatchTheSweepSettingsNames()
    {
        foreach (ProbeMode mode in Enum.GetValues<ProbeMode>())
        {
            Assert.AreEqual(mode, ProbeModeNames.Parse(mode.ToName()));
        }
        Assert.AreEqual(ProbeMode.Faithful, ProbeModeNames.Parse(Entropy.MLNet.Sweep.SweepSettings.FaithfulMode));
        Assert.AreEqual(ProbeMode.Adaptive, ProbeModeNames.Parse(Entropy.MLNet.Sweep.SweepSettings.AdaptiveMode));
        Assert.AreEqual(ProbeMode.LeastSquares, ProbeModeNames.Parse(Entropy.MLNet.Sweep.SweepSettings.LeastSquaresMode));
        Assert.IsNull(ProbeModeNames.Parse("adam"));
    }

    [TestMethod]
    public void MeasuredDepth_CoversEveryLayerTheLeastSquaresCalibrationReads()
    {
        // The deepest collapse that can still lower the prediction below its saturation depth S, and the MSE's last layer.
        var c = Entropy.MLNet.Prediction.TrainabilityCalibration.ForProbe(null, 1, "least-squares");
        double deepestCollapse = Math.Pow(c.SaturationDepth / c.OrderedScale, 1 / c.OrderedExponent);
        Assert.IsLessThanOrEqualTo(LeastSquaresDecoders.MeasuredDepth, deepestCollapse);
        Assert.IsLessThanOrEqualTo(LeastSquaresDecoders.MeasuredDepth, c.MseLastLayer);
    }

    [TestMethod]
    public void MemoryEstimate_ClosedFormDecodersCarryNoAdamState()
    {
        int[] sizes = [784, .. Enumerable.Repeat(784, 199), 10];
        var (adam, adamText) = MlpArchitecture.EstimateMemory(sizes, new Entropy.MLNet.Architectures.ProbeWorkload(64, 60_000, 100, 0));
        var (closed, closedText) = MlpArchitecture.EstimateMemory(sizes, new Entropy.MLNet.Architectures.ProbeWorkload(64, 10_000, 100, 0, ClosedForm: true));
        // 199 decoders of 784×784 floats: 0.49 GB of weights; Adam adds a gradient and two moments (1.47 GB more).
        Assert.IsGreaterThan(1.4e9, adam - closed, $"{adamText} / {closedText}");
        StringAssert.Contains(adamText, "with Adam state");
        Assert.DoesNotContain("Adam", closedText);
    }

    [TestMethod]
    public void Validate_LeastSquaresConvolutional_RefusedNamingTheMode()
    {
        var options = new ProbeOptions { Architecture = "cnn", Channels = 4, SigmaW2 = 1, SigmaB2 = 2e-5, Depth = 3, Mode = ProbeMode.LeastSquares };
        var ex = Assert.ThrowsExactly<ArgumentException>(() => options.Validate(TestData.Train));
        Assert.AreEqual(nameof(ProbeOptions.Mode), ex.ParamName);
    }
}
