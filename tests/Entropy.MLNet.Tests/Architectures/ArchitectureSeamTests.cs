using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Mlp;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Tests.Probe;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Architectures;

[TestClass]
[DoNotParallelize] // the trainer's workers set libtorch's thread counts
public sealed class ArchitectureSeamTests
{
    private static readonly ImageShape Mnist = new(1, 28, 28);

    [TestMethod]
    public void Catalog_FindsTheMlpByName_AndNamesTheFamiliesOtherwise()
    {
        Assert.AreSame(ArchitectureCatalog.Mlp, ArchitectureCatalog.Get(" MLP "));
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ArchitectureCatalog.Get("transformer"));
        Assert.AreEqual("Architecture", ex.ParamName);
        StringAssert.Contains(ex.Message, "mlp");
    }

    [TestMethod]
    public void MlpLayout_IsTheWidthRulesSizes_WithTheCascadesOutputFlags()
    {
        var description = new NetworkDescription { SigmaW2 = 1.0, Depth = 5, Activation = Activation.Relu };
        NetworkLayout layout = ArchitectureCatalog.Mlp.Layout(description, Mnist, 10, "mnist");
        int[] sizes = NetworkWidth.Wide.LayerSizes(784, 10, 5);
        CollectionAssert.AreEqual(sizes, layout.LayerSizes.ToArray());
        Assert.IsTrue(layout.LayerShapes.All(s => s.Length == 1));
        CollectionAssert.AreEqual(Cascade.DefaultTanhOutputs(sizes, Activation.Relu), layout.DecoderTanhOutputs.ToArray());
        Assert.AreEqual(sizes.Length - 1, layout.Depth);
        Assert.AreEqual(Mnist, layout.Input);
    }

    [TestMethod]
    public void MlpLayout_RefusesChannels_NamingTheOption()
    {
        var description = new NetworkDescription { SigmaW2 = 1.0, Depth = 5, Channels = 16 };
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ArchitectureCatalog.Mlp.Layout(description, Mnist, 10, "mnist"));
        Assert.AreEqual("Channels", ex.ParamName);
    }

    [TestMethod]
    public void MlpParameterBytes_CountsNetworkAndDecoders()
    {
        // Network: 4→3 (12 + 3), 3→2 (6 + 2); decoders: 3→4 (12 + 4), 2→3 (6 + 3): 48 float32 values.
        var description = new NetworkDescription { SigmaW2 = 1.0, Depth = 2 };
        Assert.AreEqual(48L * 4, ArchitectureCatalog.Mlp.ParameterBytes(description, new ImageShape(1, 2, 2), [4, 3, 2]));
        Assert.IsNull(ArchitectureCatalog.Mlp.ParameterBytes(description, new ImageShape(1, 1, int.MaxValue), [int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue]));
    }

    [TestMethod]
    public void MlpThroughTheSeam_ReconstructsFlatImagesFromEveryLayer()
    {
        TorchRuntime.EnsureLoaded();
        var description = new NetworkDescription { SigmaW2 = 1.5, Depth = 4, Width = NetworkWidth.Fixed(16) };
        NetworkLayout layout = ArchitectureCatalog.Mlp.Layout(description, Mnist, 10, "mnist");
        using var network = ArchitectureCatalog.Mlp.Create(description, layout, 3, CPU);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = rand(5, 784, generator: new Generator(1));
        Tensor[] h = network.LayerOutputs(x);
        Assert.HasCount(layout.Depth + 1, h);
        for (int l = 0; l <= layout.Depth; l++)
        {
            CollectionAssert.AreEqual(new long[] { 5, layout.LayerSizes[l] }, h[l].shape);
        }
        Tensor[] all = network.ReconstructAll(h, layout.Depth);
        for (int l = 1; l <= layout.Depth; l++)
        {
            Tensor one = network.Reconstruct(h[l], l);
            CollectionAssert.AreEqual(new long[] { 5, 784 }, all[l - 1].shape);
            Assert.IsTrue(one.allclose(all[l - 1], rtol: 1e-5, atol: 1e-6), $"layer {l}");
        }
        Tensor? ideal = network.IdealInputs();
        Assert.IsNotNull(ideal);
        CollectionAssert.AreEqual(new long[] { 10, 784 }, ideal.shape);
        Tensor[] shallow = network.LayerOutputs(x, 2);
        Assert.HasCount(3, shallow);
        Assert.IsTrue(shallow[2].Equals(h[2]), "the same layer-2 output");
    }

    [TestMethod]
    public void TrainerStopEarlyHook_FalseBeforeTheFirstChunk_TrainsNothing()
    {
        TorchRuntime.EnsureLoaded();
        var description = new NetworkDescription { SigmaW2 = 1.5, Depth = 3, Width = NetworkWidth.Fixed(16) };
        NetworkLayout layout = ArchitectureCatalog.Mlp.Layout(description, Mnist, 10, "mnist");
        using var network = (MlpProbeNetwork)ArchitectureCatalog.Mlp.Create(description, layout, 3, CPU);
        using var before = network.Cascade.Groups[0].Weight.detach().clone();
        using var trainer = network.CreateTrainer(ProbeDefaults.Mlp.LearningRate);
        var seen = new List<TrainingChunk>();
        using (var g = new Generator(3))
        {
            trainer.Train(TestData.Train, [.. Enumerable.Range(0, 256)], 1, 64, g, c => { seen.Add(c); return false; }, CancellationToken.None);
        }
        Assert.HasCount(1, seen);
        Assert.AreEqual(0, seen[0].BatchesDone);
        Assert.AreEqual(4, seen[0].BatchesTotal);
        using var after = network.Cascade.Groups[0].Weight.detach();
        Assert.IsTrue(before.Equals(after), "no decoder stepped");

        // Returning true runs the whole pass: 256 images at batch 64 fit one chunk.
        seen.Clear();
        using (var g = new Generator(3))
        {
            trainer.Train(TestData.Train, [.. Enumerable.Range(0, 256)], 1, 64, g, c => { seen.Add(c); return true; }, CancellationToken.None);
        }
        Assert.HasCount(2, seen);
        Assert.AreEqual(4, seen[1].BatchesDone);
        using var trained = network.Cascade.Groups[0].Weight.detach();
        Assert.IsFalse(before.Equals(trained), "the decoders stepped");
    }

    [TestMethod]
    public void ProbeModel_SavesItsArchitecture_AndLoadsItBack()
    {
        using var model = ReconstructionProbe.Fit(TestData.Train, TestData.Small() with { TrainSamples = 128 });
        Assert.AreEqual("mlp", model.Architecture);
        using var stream = new MemoryStream();
        model.Save(stream);
        string text = System.Text.Encoding.UTF8.GetString(stream.ToArray(), 0, 600);
        StringAssert.Contains(text, "\"architecture\":\"mlp\"");
        stream.Position = 0;
        using var loaded = ProbeModel.Load(stream, DeviceKind.Cpu);
        Assert.AreEqual("mlp", loaded.Architecture);
        CollectionAssert.AreEqual(model.LayerSizes.ToArray(), loaded.LayerSizes.ToArray());
    }
}
