using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Mlp;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Probe;

[TestClass]
public sealed class CascadeTests
{
    private static readonly int[] Sizes = [12, 12, 12, 12, 7, 3];

    [ClassInitialize]
    public static void Init(TestContext context) => TorchRuntime.EnsureLoaded();

    [TestMethod]
    public void Cascade_GroupsEqualShapesAndInitialisesLikePyTorchLinear()
    {
        using var cascade = new Cascade(Sizes, Activation.Tanh, 4);
        Assert.AreEqual(5, cascade.Depth);
        Assert.HasCount(3, cascade.Groups);
        Assert.AreEqual(3, cascade.Groups[0].Count);
        CollectionAssert.AreEqual(new long[] { 3, 12, 12 }, cascade.Groups[0].Weight.shape);
        CollectionAssert.AreEqual(new long[] { 1, 12, 7 }, cascade.Groups[1].Weight.shape); // decoder 4: 7 → 12
        using var big = new Cascade([64, 400], Activation.Tanh, 1);
        double bound = 1 / Math.Sqrt(400);
        using var w = big.Groups[0].Weight.detach();
        Assert.IsLessThanOrEqualTo(bound, w.abs().max().item<float>());
        Assert.AreEqual(bound * bound / 3, w.var().item<float>(), 0.05 * bound * bound / 3); // U(−a, a) has variance a²/3
    }

    [TestMethod]
    public void Cascade_GroupingDoesNotChangeTheDecoders()
    {
        // A decoder's parameters are drawn per decoder, so its numbers do not depend on which group it lands in.
        using var grouped = new Cascade(Sizes, Activation.Tanh, 4);
        using var relu = new Cascade(Sizes, Activation.Relu, 4); // decoder 1 (tanh) is split from 2..3 (linear)
        Assert.HasCount(4, relu.Groups);
        using var x = ones(2, 12);
        using var noGrad = no_grad();
        using var a = grouped.Decode(2, x);
        using var b = relu.Decode(2, x);
        using var bTanh = b.tanh();
        Assert.IsTrue(a.allclose(bTanh, rtol: 1e-6, atol: 1e-7));
    }

    [TestMethod]
    public void LocalLosses_EqualPerDecoderMse_AndSumGivesEachItsOwnGradient()
    {
        using var net = DeepNetwork.Create(new NetworkSpec { InputSize = 12, Classes = 3, Depth = 5, Width = NetworkWidth.Explicit(Sizes), SigmaW2 = 1.2, Seed = 2 });
        using var cascade = new Cascade(Sizes, Activation.Tanh, 4);
        using var scope = NewDisposeScope();
        using var g = new Generator(9);
        var x = rand([6, 12], generator: g);
        Tensor[] h = net.LayerOutputs(x);
        var losses = cascade.LocalLosses(h);
        Assert.AreEqual(5L, losses.shape[0]);
        for (int l = 1; l <= 5; l++)
        {
            var expected = nn.functional.mse_loss(cascade.Decode(l, h[l]), h[l - 1]);
            Assert.AreEqual(expected.item<float>(), losses[l - 1].item<float>(), 1e-6f);
        }
        // Gradient of the sum w.r.t. decoder 2's slice equals the gradient of decoder 2's own loss.
        losses.sum().backward();
        var summed = cascade.Groups[0].Weight.grad![1].clone();
        cascade.zero_grad();
        cascade.LocalLosses(h)[1].backward();
        var own = cascade.Groups[0].Weight.grad![1];
        Assert.IsTrue(summed.allclose(own, rtol: 1e-5, atol: 1e-8));
        Assert.AreEqual(0f, cascade.Groups[0].Weight.grad![0].abs().max().item<float>());
    }

    [TestMethod]
    public void ReconstructAll_EqualsChainingEachLayer()
    {
        using var net = DeepNetwork.Create(new NetworkSpec { InputSize = 12, Classes = 3, Depth = 5, Width = NetworkWidth.Explicit(Sizes), SigmaW2 = 1.2, Seed = 2 });
        using var cascade = new Cascade(Sizes, Activation.Tanh, 4);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = rand([4, 12], generator: new Generator(3));
        Tensor[] h = net.LayerOutputs(x);
        Tensor[] all = cascade.ReconstructAll(h, 5);
        for (int l = 1; l <= 5; l++)
        {
            var chained = cascade.Reconstruct(h[l], l);
            Assert.IsTrue(all[l - 1].allclose(chained, rtol: 1e-5, atol: 1e-6), $"layer {l}");
        }
    }
}

[TestClass]
[DoNotParallelize] // the trainer's workers set libtorch's thread counts
public sealed class CascadeTrainerTests
{
    [TestMethod]
    public void Train_LastLayerLowered_DeeperDecodersUntouched()
    {
        TorchRuntime.EnsureLoaded();
        var spec = new NetworkSpec { InputSize = 784, Classes = 10, Depth = 5, Width = NetworkWidth.Fixed(16), SigmaW2 = 1.5, Seed = 1 };
        using var net = DeepNetwork.Create(spec);
        using var cascade = new Cascade(net.LayerSizes, Activation.Tanh, 2);
        // Groups: decoder 1 (16 → 784), decoders 2..4 (16 → 16), decoder 5 (10 → 16).
        Assert.HasCount(3, cascade.Groups);
        using var first = cascade.Groups[0].Weight.detach().clone();
        using var middle = cascade.Groups[1].Weight.detach().clone();
        using var last = cascade.Groups[2].Weight.detach().clone();
        using var trainer = new CascadeTrainer(net, cascade, 1e-3, CPU) { LastLayer = 1 };
        using var g = new Generator(3);
        trainer.Train(TestData.Train, [.. Enumerable.Range(0, 128)], 1, 64, g, null, CancellationToken.None);
        using var firstAfter = cascade.Groups[0].Weight.detach();
        using var middleAfter = cascade.Groups[1].Weight.detach();
        using var lastAfter = cascade.Groups[2].Weight.detach();
        Assert.IsFalse(first.Equals(firstAfter), "decoder 1 trained");
        Assert.IsTrue(middle.Equals(middleAfter), "decoders 2..4 untouched");
        Assert.IsTrue(last.Equals(lastAfter), "decoder 5 untouched");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.LastLayer = 6);
    }
}
