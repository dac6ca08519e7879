using Entropy.MLNet.Architectures;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;

// Validate names the offending option (not a method parameter), so that callers and the CLI can say which one.
#pragma warning disable CA2208

namespace Entropy.MLNet.Training;

/// <summary>
/// Settings of one ground-truth training: the probe's deep network (same <see cref="NetworkSpec"/> rules) trained as a
/// classifier. Optimizer, learning rate and batch default to <see cref="GroundTruthProtocol"/> (SGD, lr 0.01, batch 64,
/// shuffled every pass); the budget is <see cref="Epochs"/> epochs unless <see cref="Steps"/> is set.
/// </summary>
public sealed record GroundTruthOptions
{
    /// <summary>Weight variance σ_w²; finite, above 0.</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b²; default <see cref="ProbeDefaults.MlpSigmaB2"/>.</summary>
    public double SigmaB2 { get; init; } = ProbeDefaults.MlpSigmaB2;

    /// <summary>Depth D (as for the probe); at least 2.</summary>
    public required int Depth { get; init; }

    /// <summary>Width rule; default wide.</summary>
    public NetworkWidth Width { get; init; } = NetworkWidth.Wide;

    /// <summary>Activation; default tanh.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Optimizer; default SGD as the authors.</summary>
    public GroundTruthOptimizer Optimizer { get; init; } = GroundTruthOptimizer.Sgd;

    /// <summary>Learning rate; default <see cref="GroundTruthProtocol.LearningRate"/> (the authors used 1e-3 with a much longer budget).</summary>
    public double LearningRate { get; init; } = GroundTruthProtocol.LearningRate;

    /// <summary>Mini-batch size; default 64 as the authors.</summary>
    public int BatchSize { get; init; } = GroundTruthProtocol.BatchSize;

    /// <summary>Epoch budget when <see cref="Steps"/> is null; default 2 (see <see cref="GroundTruthDefaults"/>). Test accuracy is measured after every epoch.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>
    /// Budget in SGD steps (the protocol's unit; reshuffled after every pass over the subset); null = <see cref="Epochs"/>
    /// epochs. Test accuracy is then measured every <see cref="EvaluateEvery"/> steps and after the last.
    /// </summary>
    public int? Steps { get; init; }

    /// <summary>Steps between test evaluations when <see cref="Steps"/> is set; default <see cref="GroundTruthProtocol.EvaluateEvery"/>.</summary>
    public int EvaluateEvery { get; init; } = GroundTruthProtocol.EvaluateEvery;

    /// <summary>Test accuracy that counts as trainable; default 0.5 (see <see cref="GroundTruthDefaults"/>).</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Stop as soon as an epoch ends with test accuracy ≥ <see cref="Threshold"/> (as the authors); default true.</summary>
    public bool EarlyExit { get; init; } = true;

    /// <summary>Training images (first N of a seeded shuffle); null = all.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Test images used for the accuracy (the first N of the test set); null = all.</summary>
    public int? TestSamples { get; init; }

    /// <summary>
    /// The authors' head: softmax(φ(z_L)) fed to cross-entropy (a double softmax). Default false: z_L as logits, the
    /// standard head, which trains faster and gives a fairer ground truth.
    /// </summary>
    public bool DoubleSoftmax { get; init; }

    /// <summary>Seed of the weights, the shuffling and the training subset.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Compute device; default auto.</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>TorchSharp intra-op threads during training; null keeps the current setting.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Memory budget in bytes: <see cref="Validate"/> refuses a configuration whose estimated memory exceeds it. Null
    /// (default): the lower of the available memory and the cgroup limit (<see cref="MemoryBudget.Default"/>).
    /// </summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>The network these options train (the one mapping from the ground truth's options to the architecture seam).</summary>
    internal NetworkDescription ToNetworkDescription() => new()
    {
        SigmaW2 = SigmaW2,
        SigmaB2 = SigmaB2,
        Depth = Depth,
        Width = Width,
        Activation = Activation,
    };

    /// <summary>The network specification for a dataset's input size and classes (the probe's rules, plus the head).</summary>
    public NetworkSpec ToNetworkSpec(int inputSize, int classes)
        => ToNetworkDescription().ToNetworkSpec(inputSize, classes, Seed) with { Head = DoubleSoftmax ? ClassifierHead.DoubleSoftmax : ClassifierHead.Logits };

    /// <summary>Parses <c>sgd</c> or <c>adam</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Neither.</exception>
    public static GroundTruthOptimizer ParseOptimizer(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "sgd" => GroundTruthOptimizer.Sgd,
        "adam" => GroundTruthOptimizer.Adam,
        _ => throw new ArgumentException($"Unknown optimizer '{name}': use sgd or adam.", nameof(name)),
    };

    /// <summary>Checks every option against the data before any work; the exception's parameter name is the option's.</summary>
    public void Validate(ImageDataset train, ImageDataset test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (train.Count < 1 || test.Count < 1)
        {
            throw new ArgumentException($"Training set '{train.Name}' ({train.Count} images) and test set ({test.Count} images) must not be empty.", nameof(train));
        }
        int[] sizes = NetworkOptionsValidation.ValidateNetwork(SigmaW2, SigmaB2, Depth, Width, Activation, train);
        ValidateTraining(train, test);
        CheckMemory(sizes, Math.Min(TrainSamples ?? train.Count, train.Count), TestSamples ?? test.Count);
    }

    /// <summary>The checks of <see cref="Validate"/> that do not depend on the network (the convolutional families check theirs).</summary>
    internal void ValidateTraining(ImageDataset train, ImageDataset test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (train.Count < 1 || test.Count < 1)
        {
            throw new ArgumentException($"Training set '{train.Name}' ({train.Count} images) and test set ({test.Count} images) must not be empty.", nameof(train));
        }
        NetworkOptionsValidation.ValidateTraining(Epochs, BatchSize, LearningRate);
        if (Steps is { } steps && steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), steps, $"Steps must be at least 1; got {steps}.");
        }
        if (EvaluateEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EvaluateEvery), EvaluateEvery, $"EvaluateEvery must be at least 1; got {EvaluateEvery}.");
        }
        if (!(Threshold > 0 && Threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, $"Threshold must be an accuracy in (0, 1]; got {Threshold}.");
        }
        if (!Enum.IsDefined(Optimizer))
        {
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer.");
        }
        if (test.FeatureSize != train.FeatureSize || test.ClassNames.Count != train.ClassNames.Count)
        {
            throw new ArgumentException($"Test set '{test.Name}' ({test.FeatureSize} values, {test.ClassNames.Count} classes) does not match training set '{train.Name}' ({train.FeatureSize} values, {train.ClassNames.Count} classes).", nameof(test));
        }
        if (TrainSamples is { } n && (n < 1 || n > train.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(TrainSamples), n, $"TrainSamples must be in 1..{train.Count}; got {n}.");
        }
        if (TestSamples is { } m && (m < 1 || m > test.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(TestSamples), m, $"TestSamples must be in 1..{test.Count}; got {m}.");
        }
        if (Threads is { } t && t < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), t, $"Threads must be at least 1; got {t}.");
        }
    }

    /// <summary>
    /// Refuses a configuration whose estimated memory exceeds <see cref="MaxMemoryBytes"/>: the network's parameters with
    /// their gradients and two optimiser moments, the training and test images as tensors, and a batch's layer outputs
    /// with their gradients (doubles, so that absurd sizes cannot overflow).
    /// </summary>
    private void CheckMemory(int[] sizes, int trainCount, int testCount)
    {
        double parameters = 0, values = 0;
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            parameters += ((double)sizes[i] * sizes[i + 1]) + sizes[i + 1];
        }
        foreach (int n in sizes)
        {
            values += n;
        }
        double network = parameters * 4 * sizeof(float);
        double data = ((double)trainCount + testCount) * sizes[0] * sizeof(float);
        double batch = Math.Max(1, Math.Min(BatchSize, trainCount));
        double work = Math.Max(batch, Math.Min(testCount, 1024)) * values * sizeof(float) * 3;
        string breakdown = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"network with gradients and optimiser state {MemoryBudget.Format(network)}, images {MemoryBudget.Format(data)}, working set {MemoryBudget.Format(work)}");
        MemoryBudget.Check(network + data + work, MaxMemoryBytes,
            $"Training a network of depth {Depth}, width {Width} ({sizes.Length} layer sizes up to {sizes.Max()}) at batch size {BatchSize}", breakdown);
    }
}
