using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Convolutional;
using Entropy.MLNet.Theory;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Architectures;

[TestClass]
public sealed class ConvolutionalNetworkTests
{
    private static ConvolutionalSpec Spec(ConvolutionalKind kind, int depth = 3, int channels = 4, double sigmaW2 = 1.0, double sigmaB2 = 2e-5, int seed = 1) => new()
    {
        Kind = kind,
        InputChannels = 1,
        Height = 28,
        Width = 28,
        Classes = 10,
        Channels = channels,
        Depth = depth,
        SigmaW2 = sigmaW2,
        SigmaB2 = sigmaB2,
        Seed = seed,
    };

    [TestMethod]
    [DataRow(false, 3, 5)]
    [DataRow(true, 3, 6)]
    public void LayersAndDecoders_HaveTheAuthorsShapes(bool residual, int depth, int layers)
    {
        ConvolutionalKind kind = residual ? ConvolutionalKind.Residual : ConvolutionalKind.Plain;
        using var scope = NewDisposeScope();
        ConvolutionalSpec spec = Spec(kind, depth);
        using var network = new ConvolutionalNetwork(spec);
        using var cascade = new ConvolutionalCascade(spec);
        Assert.AreEqual(layers, network.Layers);

        using var noGrad = no_grad();
        Tensor x = rand(2, 1, 28, 28);
        long[][] expected = [[2, 1, 28, 28], [2, 4, 28, 28], [2, 4, 14, 14], [2, 4, 7, 7]];
        for (int l = 1; l <= network.Layers; l++)
        {
            Tensor next = network.LayerOutput(l, x);
            CollectionAssert.AreEqual(expected[Math.Min(l, 3)], next.shape, $"layer {l}");
            // Decoder ℓ gives back layer ℓ − 1's shape (the crops are right for every stride).
            CollectionAssert.AreEqual(x.shape, cascade.Decode(l, next).shape, $"decoder {l}");
            x = next;
        }
        CollectionAssert.AreEqual(new long[] { 2, 1, 28, 28 }, cascade.Reconstruct(x, network.Layers).shape);
        CollectionAssert.AreEqual(new long[] { 2, 10 }, network.forward(rand(2, 784)).shape);
        Assert.AreEqual(kind == ConvolutionalKind.Residual ? 2 : 1, cascade.Stages(4));
    }

    [TestMethod]
    public void PlainBlock_PadsCircularly()
    {
        using var scope = NewDisposeScope();
        using var network = new ConvolutionalNetwork(Spec(ConvolutionalKind.Plain));
        using var noGrad = no_grad();
        Tensor h = network.LayerOutput(4, rand(1, 4, 7, 7));

        // A valid 3×3 convolution of 7×7 gives 5×5; circular padding by one wraps row 4 to row 0 and row 0 to row 6.
        Assert.IsTrue(h.select(2, 0).equal(h.select(2, 5)).all().item<bool>());
        Assert.IsTrue(h.select(2, 6).equal(h.select(2, 1)).all().item<bool>());
        Assert.IsTrue(h.select(3, 0).equal(h.select(3, 5)).all().item<bool>());
        Assert.IsFalse(h.select(2, 0).equal(h.select(2, 1)).all().item<bool>());
    }

    [TestMethod]
    public void ResidualBlock_WithVanishingWeights_IsTanhOfItsInput()
    {
        using var scope = NewDisposeScope();
        using var network = new ConvolutionalNetwork(Spec(ConvolutionalKind.Residual, sigmaW2: 1e-16, sigmaB2: 0));
        using var noGrad = no_grad();
        Tensor x = rand(2, 4, 7, 7).mul_(4).sub_(2);

        Tensor h = network.LayerOutput(4, x);

        // The branch is ~0, so the identity skip leaves φ(x): the block is x ← tanh(x + branch(x)).
        Assert.IsTrue(h.allclose(x.tanh(), rtol: 0, atol: 1e-6));
    }

    [TestMethod]
    public void Initialisation_FollowsFanInOfChannelsTimesKernel()
    {
        using var scope = NewDisposeScope();
        ConvolutionalSpec spec = Spec(ConvolutionalKind.Plain, depth: 2, channels: 64, sigmaW2: 2.0, sigmaB2: 0.5);
        using var network = new ConvolutionalNetwork(spec);
        using var cascade = new ConvolutionalCascade(spec);
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        // Block convolution (layer 4, the 4th convolution): N(0, σ_w²/(64·9)); its bias N(0, σ_b²).
        Assert.AreEqual(2.0 / (64 * 9), parameters["weights.3"].var().item<float>(), 0.05 * 2.0 / (64 * 9));
        Assert.AreEqual(0.5, parameters["biases.3"].var().item<float>(), 0.25);
        // First stem convolution: C_in = 1, so N(0, σ_w²/9).
        Assert.AreEqual(2.0 / 9, parameters["weights.0"].var().item<float>(), 0.3 * 2.0 / 9);
        // Decoder 4 (transposed 64 → 64): PyTorch's default U(±1/√(out·k²)) = U(±1/24), variance bound²/3.
        Tensor w = cascade.DecoderParameters(4)[0];
        double bound = 1.0 / Math.Sqrt(64 * 9);
        Assert.IsLessThanOrEqualTo(bound, w.abs().max().item<float>());
        Assert.AreEqual(bound * bound / 3, w.var().item<float>(), 0.05 * bound * bound / 3);
        // Decoder 1 (transposed 64 → 1): fan_in = out_channels·k² = 9.
        Assert.IsGreaterThan(0.9 / 3, cascade.DecoderParameters(1)[0].abs().max().item<float>());
    }

    [TestMethod]
    public void SameSeed_SameNetworkAndDecoders_OtherSeedDiffers()
    {
        using var scope = NewDisposeScope();
        using var a = new ConvolutionalNetwork(Spec(ConvolutionalKind.Residual, seed: 5));
        using var b = new ConvolutionalNetwork(Spec(ConvolutionalKind.Residual, seed: 5));
        using var c = new ConvolutionalNetwork(Spec(ConvolutionalKind.Residual, seed: 6));
        using var da = new ConvolutionalCascade(Spec(ConvolutionalKind.Residual, seed: 5));
        using var db = new ConvolutionalCascade(Spec(ConvolutionalKind.Residual, seed: 5));

        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        var pc = c.parameters().ToArray();
        Assert.IsTrue(pa.Zip(pb).All(p => p.First.allclose(p.Second, rtol: 0, atol: 0)));
        Assert.IsFalse(pa[0].allclose(pc[0], rtol: 0, atol: 0));
        Assert.IsTrue(da.parameters().Zip(db.parameters()).All(p => p.First.allclose(p.Second, rtol: 0, atol: 0)));
    }

    [TestMethod]
    public void MeanField_CriticalPointOfTheCnn_IsTheMlpRecursionAtSigmaB2TwoE5()
    {
        // With fan_in = C·k² the mean-field recursion of a CNN is the MLP's (paper §3.3): critical σ_w² 1.0499 at 2e-5.
        Assert.AreEqual(1.049912, MeanFieldTheory.Tanh.CriticalSigmaW2(ConvolutionalDefaults.SigmaB2), 1e-5);
    }

    [TestMethod]
    public void Validation_RefusesBadImagesAndTinyBudgets_NamingTheSetting()
    {
        var badShape = Spec(ConvolutionalKind.Plain) with { Height = 30 };
        var exception = Assert.Throws<ArgumentException>(() => ConvolutionalValidation.Check(badShape));
        Assert.AreEqual("Architecture", exception.ParamName);
        var noChannels = Spec(ConvolutionalKind.Plain, channels: 0);
        Assert.AreEqual("Channels", Assert.Throws<ArgumentOutOfRangeException>(() => ConvolutionalValidation.Check(noChannels)).ParamName);
        var shallow = Spec(ConvolutionalKind.Plain, depth: 1);
        Assert.AreEqual("Depth", Assert.Throws<ArgumentOutOfRangeException>(() => ConvolutionalValidation.Check(shallow)).ParamName);

        // The paper's CNN (c = 128, depth 400) does not fit in 1 MB: refused before anything is allocated.
        var paper = Spec(ConvolutionalKind.Plain, depth: 400, channels: 128);
        var budget = Assert.Throws<ArgumentException>(() => ConvolutionalMemoryEstimate.Check(paper, new ProbeWorkload(100, 60000, 100, 8), 1 << 20));
        Assert.AreEqual("MaxMemoryBytes", budget.ParamName);
    }
}

[TestClass]
public sealed class ConvolutionalBenchmarkTests
{
    [TestMethod]
    public void CascadeGflop_CountsForwardDecoderAndWeightGradient()
    {
        // CNN c = 4, depth 2 on 1×28×28: stem 1→4 at 28×28, 4→4 at 14×14 and 7×7, one block 4→4 valid (5×5 output).
        var spec = new Entropy.MLNet.Architectures.Convolutional.ConvolutionalSpec
        {
            Kind = Entropy.MLNet.Architectures.Convolutional.ConvolutionalKind.Plain,
            InputChannels = 1, Height = 28, Width = 28, Classes = 10, Channels = 4, Depth = 2, SigmaW2 = 1,
        };
        double m = 2.0 * 9;
        double expected = (m * 1 * 4 * 784 * 3) + (m * 4 * 4 * 196 * 3) + (m * 4 * 4 * 49 * 3) + (m * 4 * 4 * ((25) + (2 * 49)));

        Assert.AreEqual(expected * 10 / 1e9, Entropy.MLNet.Benchmarks.ConvolutionalBenchmark.CascadeGflop(spec, 10), 1e-15);
    }
}
