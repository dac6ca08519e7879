using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Training;

namespace Entropy.MLNet.Tests.Training;

[TestClass]
public sealed class GroundTruthTrainerTests
{
    private static readonly ImageDataset Train = DatasetCatalog.Load("mnist", "train");
    private static readonly ImageDataset Test = DatasetCatalog.Load("mnist", "test").Take(500);

    private static GroundTruthOptions Shallow() => new()
    {
        SigmaW2 = 1.5,
        SigmaB2 = 0.05,
        Depth = 3,
        Width = NetworkWidth.Fixed(64),
        Epochs = 1,
        LearningRate = 0.01,
        Threshold = 0.3,
        TrainSamples = 3000,
        Seed = 5,
        Device = Entropy.MLNet.Runtime.DeviceKind.Cpu,
    };

    [TestMethod]
    public void Train_ShallowNetOneEpoch_AboveChanceAndDeterministic()
    {
        GroundTruthResult a = GroundTruthTrainer.Train(Train, Test, Shallow());
        GroundTruthResult b = GroundTruthTrainer.Train(Train, Test, Shallow());

        Assert.HasCount(1, a.TestAccuracy);
        Assert.IsGreaterThan(0.3, a.TestAccuracy[0]); // chance is 0.1
        Assert.IsTrue(a.Trainable);
        Assert.AreEqual(3000, a.TrainSamples);
        Assert.AreEqual(500, a.TestSamples);
        CollectionAssert.AreEqual(a.TestAccuracy, b.TestAccuracy);
        CollectionAssert.AreEqual(a.TrainLoss, b.TrainLoss);
    }

    [TestMethod]
    public void Train_EarlyExit_StopsAtFirstEpochAboveThreshold()
    {
        var options = Shallow() with { Epochs = 3, Threshold = 0.2 };

        GroundTruthResult result = GroundTruthTrainer.Train(Train, Test, options);

        Assert.AreEqual(1, result.EpochsRun);
        Assert.IsTrue(result.Trainable);
    }

    [TestMethod]
    public void Train_UnreachableThreshold_NotTrainableAfterBudget()
    {
        var options = Shallow() with { Threshold = 1.0, TrainSamples = 500 };

        GroundTruthResult result = GroundTruthTrainer.Train(Train, Test, options);

        Assert.IsFalse(result.Trainable);
        Assert.AreEqual(1, result.EpochsRun);
    }

    [TestMethod]
    public void Train_StepBudget_EvaluatesEveryNStepsAndAfterTheLast()
    {
        var options = Shallow() with { Steps = 25, EvaluateEvery = 10, Threshold = 1.0 };

        GroundTruthResult result = GroundTruthTrainer.Train(Train, Test, options);

        Assert.AreEqual(25, result.StepsRun);
        Assert.HasCount(3, result.TestAccuracy); // after steps 10, 20 and 25
        Assert.HasCount(3, result.TrainLoss);
        Assert.IsFalse(result.Trainable);
    }

    [TestMethod]
    public void Train_StepBudget_EarlyExitAtTheFirstEvaluationAboveThreshold()
    {
        var options = Shallow() with { Steps = 200, EvaluateEvery = 10, Threshold = 0.2 };

        GroundTruthResult result = GroundTruthTrainer.Train(Train, Test, options);

        Assert.IsTrue(result.Trainable);
        Assert.AreEqual(10 * result.TestAccuracy.Length, result.StepsRun);
        Assert.IsGreaterThanOrEqualTo(0.2, result.TestAccuracy[^1]);
        Assert.IsTrue(result.TestAccuracy.SkipLast(1).All(a => a < 0.2));
    }

    [TestMethod]
    public void Train_StepBudget_DivergedNetworkStopsAndIsNotTrainable()
    {
        // ReLU with an absurd learning rate overflows within a few steps; the loss turns NaN and training stops there.
        var options = Shallow() with { Activation = Activation.Relu, SigmaW2 = 2, Depth = 10, LearningRate = 1e30, Steps = 50, EvaluateEvery = 10, Threshold = 0.99 };

        GroundTruthResult result = GroundTruthTrainer.Train(Train, Test, options);

        Assert.IsLessThan(50, result.StepsRun);
        Assert.IsTrue(double.IsNaN(result.TrainLoss[^1]) || double.IsInfinity(result.TrainLoss[^1]));
        Assert.IsFalse(result.Trainable);
    }

    [TestMethod]
    public void Train_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => GroundTruthTrainer.Train(Train, Test, Shallow(), null, cts.Token));
    }

    [TestMethod]
    public void Train_BadOptions_NameTheOption()
    {
        Assert.AreEqual("SigmaW2", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GroundTruthTrainer.Train(Train, Test, Shallow() with { SigmaW2 = 0 })).ParamName);
        Assert.AreEqual("SigmaB2", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GroundTruthTrainer.Train(Train, Test, Shallow() with { SigmaB2 = -1 })).ParamName);
        Assert.AreEqual("Depth", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GroundTruthTrainer.Train(Train, Test, Shallow() with { Depth = 1 })).ParamName);
        Assert.AreEqual("Threshold", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GroundTruthTrainer.Train(Train, Test, Shallow() with { Threshold = 1.5 })).ParamName);
        Assert.ThrowsExactly<ArgumentException>(() => GroundTruthOptions.ParseOptimizer("rmsprop"));
        var list = Assert.ThrowsExactly<ArgumentException>(() => GroundTruthTrainer.Train(Train, Test, Shallow() with { Width = NetworkWidth.Parse("784,32,10"), Depth = 3 }));
        Assert.AreEqual("Width", list.ParamName);
        StringAssert.Contains(list.Message, "2 linear layers but Depth is 3");
    }

    [TestMethod]
    public void MaxTrainableDepth_ShallowRange_EarlyExitAtDeepest()
    {
        var (search, trainings) = GroundTruthTrainer.MaxTrainableDepth(Train, Test, Shallow() with { Threshold = 0.2, TrainSamples = 1000, LearningRate = 0.05 },
            TrainableDepthSearchMethod.Bisection, maxDepth: 3);

        Assert.AreEqual(3, search.MaxTrainableDepth);
        Assert.HasCount(1, trainings);
        Assert.AreEqual(3, trainings[0].Depth);
    }

    [TestMethod]
    public void Defaults_Mnist_StatedWithReason()
    {
        var d = GroundTruthDefaults.For("MNIST");
        Assert.AreEqual(2, d.Epochs);
        Assert.AreEqual(0.5, d.Threshold);
        Assert.AreEqual(0.01, d.LearningRate);
        StringAssert.Contains(d.Rationale, "chance");
        Assert.AreEqual(10, GroundTruthDefaults.For("cifar10-gray").Epochs);
    }
}
