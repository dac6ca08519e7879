using Entropy.MLNet.Architectures;
using Entropy.MLNet.MLNet;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Training;

namespace Entropy.MLNet.Tests.Architectures;

[TestClass]
public sealed class ProbeDefaultsTests
{
    [TestMethod]
    public void MlpDefaults_AreTheAuthorsMlpScript()
    {
        Assert.AreEqual(0.05, ProbeDefaults.Mlp.SigmaB2);
        Assert.AreEqual(1e-3, ProbeDefaults.Mlp.LearningRate);
        Assert.AreEqual(64, ProbeDefaults.Mlp.BatchSize);
        Assert.AreEqual(1, ProbeDefaults.Mlp.Epochs);
        Assert.AreEqual(0.005, ProbeDefaults.Mlp.CutoffTolerance);
        Assert.AreSame(ProbeDefaults.Mlp, ArchitectureCatalog.Mlp.Defaults);
        Assert.AreEqual(Cutoff.DefaultRelativeTolerance, ProbeDefaults.Mlp.CutoffTolerance);
    }

    [TestMethod]
    public void EveryOuterOptionsType_TakesItsDefaultsFromTheHolder()
    {
        var d = ProbeDefaults.Mlp;
        var probe = new ProbeOptions { SigmaW2 = 1, Depth = 5 };
        Assert.AreEqual((d.SigmaB2, d.LearningRate, d.BatchSize, d.Epochs, d.CutoffTolerance),
            (probe.SigmaB2, probe.LearningRate, probe.BatchSize, probe.Epochs, probe.CutoffTolerance));
        Assert.AreEqual((ProbeDefaults.Seed, ProbeDefaults.EntropySamples, ProbeDefaults.ReconstructionImages, ProbeDefaults.ExcludedLastLayers),
            (probe.Seed, probe.EntropySamples, probe.ReconstructionImages, probe.ExcludedLastLayers));
        Assert.AreEqual("mlp", probe.Architecture);

        var estimator = new ReconstructionProbeEstimatorOptions();
        Assert.AreEqual((d.SigmaB2, d.LearningRate, d.BatchSize, d.Epochs), (estimator.SigmaB2, estimator.LearningRate, estimator.BatchSize, estimator.Epochs));

        var sweep = new TrainabilitySweepOptions();
        CollectionAssert.AreEqual(new[] { d.SigmaB2 }, sweep.SigmaB2);
        Assert.AreEqual((d.LearningRate, d.BatchSize, d.Epochs, d.CutoffTolerance), (sweep.LearningRate, sweep.BatchSize, sweep.Epochs, sweep.CutoffTolerance));

        var settings = new SweepSettings { Dataset = "mnist", DatasetSource = "embedded", SigmaW2 = [1.0], SigmaB2 = [d.SigmaB2], MaxDepth = 10 };
        Assert.AreEqual((d.LearningRate, d.BatchSize, d.Epochs, d.CutoffTolerance, ProbeDefaults.Seed),
            (settings.LearningRate, settings.BatchSize, settings.Epochs, settings.CutoffTolerance, settings.Seed));

        // Ground truth: its network's σ_b² from the holder, its optimiser from the protocol.
        var truth = new GroundTruthOptions { SigmaW2 = 1, Depth = 5 };
        Assert.AreEqual(d.SigmaB2, truth.SigmaB2);
        Assert.AreEqual(GroundTruthProtocol.LearningRate, truth.LearningRate);
        Assert.AreEqual(d.SigmaB2, new NetworkSpec { InputSize = 4, Classes = 2, Depth = 2, SigmaW2 = 1 }.SigmaB2);
        Assert.AreEqual(d.SigmaB2, new NetworkDescription { SigmaW2 = 1, Depth = 2 }.SigmaB2);
    }

    [TestMethod]
    public void ProbeAndGroundTruthOptions_MapToTheSameNetworkDescription()
    {
        var probe = new ProbeOptions { SigmaW2 = 1.7, SigmaB2 = 0.1, Depth = 7, Width = NetworkWidth.Fixed(32), Activation = Activation.Relu };
        var truth = new GroundTruthOptions { SigmaW2 = 1.7, SigmaB2 = 0.1, Depth = 7, Width = NetworkWidth.Fixed(32), Activation = Activation.Relu };
        NetworkDescription fromProbe = probe.ToNetworkDescription();
        Assert.AreEqual(fromProbe, truth.ToNetworkDescription());
        Assert.AreEqual((1.7, 0.1, 7, "mlp"), (fromProbe.SigmaW2, fromProbe.SigmaB2, fromProbe.Depth, fromProbe.Architecture));
        var spec = probe.ToNetworkSpec(784, 10);
        Assert.AreEqual((spec.SigmaW2, spec.SigmaB2, spec.Depth, spec.Width, spec.Activation),
            (fromProbe.SigmaW2, fromProbe.SigmaB2, fromProbe.Depth, fromProbe.Width, fromProbe.Activation));
    }
}

[TestClass]
public sealed class SweepGridTests
{
    [TestMethod]
    public void MlNetSweep_GetsTheCliSweepsPerConfigurationSeeds()
    {
        var cli = new SweepSettings { Dataset = "mnist", DatasetSource = "embedded", SigmaW2 = [2.0, 0.5, 1.0], SigmaB2 = [0.1, 0.05], MaxDepth = 10, Seed = 9 };
        var mlnet = new TrainabilitySweepOptions { SigmaW2 = [1.0, 2.0, 0.5, 1.0], SigmaB2 = [0.1, 0.05], Activations = ["tanh", "relu"] };
        var grid = TrainabilitySweepEstimator.Grid(mlnet, 9);
        var expected = cli.Grid();
        Assert.HasCount(2 * expected.Count, grid);
        foreach (var activation in new[] { "tanh", "relu" })
        {
            var mine = grid.Where(g => g.A.Name == activation).Select(g => g.Configuration).ToList();
            CollectionAssert.AreEqual(expected.ToList(), mine, activation);
        }
        // One seed per configuration, not one for the whole sweep.
        Assert.AreEqual(expected.Count, expected.Select(c => c.Seed).Distinct().Count());
        Assert.AreEqual(SweepSeeds.Configuration(9, 0.5, 0.05), grid[0].Configuration.Seed);
    }

    [TestMethod]
    public void MlNetSweep_ProbeOptionsCarryTheConfigurationsSeed()
    {
        var mlnet = new TrainabilitySweepOptions { SigmaW2 = [1.5], SigmaB2 = [0.05], ProbeDepth = 12 };
        var (configuration, activation) = TrainabilitySweepEstimator.Grid(mlnet, 3)[0];
        var probe = mlnet.ToProbeOptions(configuration, activation, NetworkWidth.Wide, Entropy.MLNet.Runtime.DeviceKind.Cpu);
        Assert.AreEqual((1.5, 0.05, 12, SweepSeeds.Configuration(3, 1.5, 0.05)), (probe.SigmaW2, probe.SigmaB2, probe.Depth, probe.Seed));
    }
}
