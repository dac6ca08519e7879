using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Mlp;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Networks;

[TestClass]
public sealed class DeepNetworkTests
{
    [ClassInitialize]
    public static void Init(TestContext context) => TorchRuntime.EnsureLoaded();

    private static NetworkSpec Spec(int depth, NetworkWidth width, double sw = 1.5, double sb = 0.05, int input = 784, int seed = 3)
        => new() { InputSize = input, Classes = 10, Depth = depth, Width = width, SigmaW2 = sw, SigmaB2 = sb, Seed = seed };

    [TestMethod]
    public void Create_WideDepth20_AuthorsShapesAndCascade()
    {
        using var net = DeepNetwork.Create(Spec(20, NetworkWidth.Wide));
        Assert.AreEqual(20, net.Depth);
        for (int l = 1; l <= 18; l++)
        {
            CollectionAssert.AreEqual(new long[] { 784, 784 }, net.Weight(l).shape);
        }
        CollectionAssert.AreEqual(new long[] { 400, 784 }, net.Weight(19).shape);
        CollectionAssert.AreEqual(new long[] { 10, 400 }, net.Weight(20).shape);
        using var cascade = new Cascade(net.LayerSizes, net.Activation, 1);
        Assert.AreEqual(20, cascade.Depth);
        // Decoders 1..18 are 784→784 and share one stacked group; 19 (400→784) and 20 (10→400) are their own.
        Assert.HasCount(3, cascade.Groups);
        Assert.AreEqual(18, cascade.Groups[0].Count);
        var options = new ProbeOptions { SigmaW2 = 1.5, Depth = 20 };
        Assert.AreEqual(18, net.Depth - options.ExcludedLastLayers);
    }

    [TestMethod]
    public void Create_ShrinkingDepth150On1024_149LinearLayers()
    {
        using var net = DeepNetwork.Create(Spec(150, NetworkWidth.Shrinking, input: 1024));
        Assert.AreEqual(149, net.Depth);
        Assert.AreEqual(1024, net.LayerSizes[0]);
        Assert.AreEqual(10, net.LayerSizes[^1]);
    }

    [TestMethod]
    public void Create_Initialisation_WeightVarianceSigmaW2OverFanInAndBiasVarianceSigmaB2()
    {
        using var net = DeepNetwork.Create(Spec(3, NetworkWidth.Fixed(512), sw: 2.0, sb: 0.3, input: 256));
        using (var w1 = net.Weight(1).detach())
        {
            Assert.AreEqual(2.0 / 256, w1.var().item<float>(), 0.03 * 2.0 / 256);
            Assert.AreEqual(0.0, w1.mean().item<float>(), 0.002);
        }
        using (var w2 = net.Weight(2).detach())
        {
            Assert.AreEqual(2.0 / 512, w2.var().item<float>(), 0.03 * 2.0 / 512);
        }
        // Biases: 512 + 512 + 10 draws.
        using var b = cat([net.Bias(1).detach(), net.Bias(2).detach(), net.Bias(3).detach()], 0);
        Assert.AreEqual(0.3, b.var().item<float>(), 0.05);
    }

    [TestMethod]
    public void Create_SameSeed_SameWeights_DifferentSeed_Different()
    {
        using var a = DeepNetwork.Create(Spec(3, NetworkWidth.Fixed(16), seed: 11));
        using var b = DeepNetwork.Create(Spec(3, NetworkWidth.Fixed(16), seed: 11));
        using var c = DeepNetwork.Create(Spec(3, NetworkWidth.Fixed(16), seed: 12));
        Assert.IsTrue(a.Weight(2).Equals(b.Weight(2)));
        Assert.IsFalse(a.Weight(2).Equals(c.Weight(2)));
    }

    [TestMethod]
    public void Create_InvalidVariances_Throw()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DeepNetwork.Create(Spec(3, NetworkWidth.Wide, sw: 0)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DeepNetwork.Create(Spec(3, NetworkWidth.Wide, sw: double.NaN)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DeepNetwork.Create(Spec(3, NetworkWidth.Wide, sb: -0.1)));
    }

    [TestMethod]
    public void LayerOutputs_ActivationAfterEveryLayer_IncludingTheLast()
    {
        using var net = DeepNetwork.Create(Spec(4, NetworkWidth.Fixed(8), input: 5));
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        var x = rand([3, 5], generator: g);
        Tensor[] h = net.LayerOutputs(x);
        Assert.HasCount(5, h);
        Assert.IsFalse(h[4].requires_grad);
        var z4 = nn.functional.linear(h[3], net.Weight(4), net.Bias(4)).detach();
        Assert.IsTrue(h[4].allclose(z4.tanh()));
        Assert.IsTrue(h[0].Equals(x));
    }

    [TestMethod]
    public void Forward_Heads_LogitsActivatedAndDoubleSoftmax()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        var x = rand([3, 5], generator: g);
        var labels = tensor(new long[] { 0, 3, 9 });
        var spec = Spec(3, NetworkWidth.Fixed(8), input: 5);
        using var logits = DeepNetwork.Create(spec);
        using var activated = DeepNetwork.Create(spec with { Head = ClassifierHead.ActivatedLogits });
        using var twice = DeepNetwork.Create(spec with { Head = ClassifierHead.DoubleSoftmax });
        var z = logits.forward(x);
        Assert.IsTrue(activated.forward(x).allclose(z.tanh()));
        var p = twice.forward(x);
        Assert.IsTrue(p.allclose(nn.functional.softmax(z.tanh(), 1)));
        // The authors' loss: cross-entropy (log-softmax inside) applied to probabilities.
        var expected = -nn.functional.log_softmax(p, 1).gather(1, labels.unsqueeze(1)).mean();
        Assert.AreEqual(expected.item<float>(), DeepNetwork.Loss(p, labels).item<float>(), 1e-6f);
        var loss = DeepNetwork.Loss(z, labels);
        loss.backward();
        Assert.IsNotNull(logits.Weight(1).grad);
    }

    [TestMethod]
    [DoNotParallelize]
    public void Create_GlobalRandomState_Untouched()
    {
        using var before = random.get_rng_state();
        using (var net = DeepNetwork.Create(Spec(4, NetworkWidth.Fixed(64))))
        using (var cascade = new Cascade(net.LayerSizes, net.Activation, 5))
        {
        }
        using var after = random.get_rng_state();
        Assert.IsTrue(before.Equals(after));
    }
}
