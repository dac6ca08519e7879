using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Networks;

[TestClass]
public sealed class ActivationTests
{
    [ClassInitialize]
    public static void Init(TestContext context) => TorchRuntime.EnsureLoaded();

    [TestMethod]
    public void Parse_BuiltIns_ComputeTheirFunctions()
    {
        using var x = tensor(new float[] { -2f, -0.5f, 0f, 0.5f, 2f });
        foreach (string name in Activation.BuiltInNames)
        {
            var a = Activation.Parse(name.ToUpperInvariant());
            Assert.AreEqual(name, a.Name);
            using var y = a.Apply(x);
            using var module = a.CreateModule();
            using var z = module.call(x);
            Assert.IsTrue(y.allclose(z));
        }
        using var t = Activation.Tanh.Apply(x);
        Assert.AreEqual(MathF.Tanh(0.5f), t[3].item<float>(), 1e-6f);
        using var r = Activation.Relu.Apply(x);
        Assert.AreEqual(0f, r[0].item<float>());
        using var h = Activation.HardTanh.Apply(x);
        Assert.AreEqual(-1f, h[0].item<float>());
        using var l = Activation.Linear.Apply(x);
        Assert.IsTrue(l.Equals(x));
    }

    [TestMethod]
    public void Parse_Unknown_ThrowsNamingChoices()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => Activation.Parse("swish"));
        StringAssert.Contains(ex.Message, "tanh");
    }

    [TestMethod]
    public void Custom_PlugsInAFunction()
    {
        var softsign = Activation.Custom("softsign", x => x / (x.abs() + 1), isBounded: true);
        using var x = ones(1);
        using var y = softsign.Apply(x);
        Assert.AreEqual(0.5f, y.item<float>(), 1e-7f);
        Assert.IsTrue(softsign.IsBounded);
    }
}
