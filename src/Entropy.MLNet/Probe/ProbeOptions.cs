using Entropy.MLNet.Architectures;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;

// Validate names the offending option (not a method parameter) in each exception, so that callers and the CLI can say which one.
#pragma warning disable CA2208

namespace Entropy.MLNet.Probe;

/// <summary>
/// Settings of one reconstruction-entropy probe. The defaults are the authors' MLP settings (σ_b² = 0.05, wide, tanh,
/// one decoder epoch at batch 64 with Adam lr 1e-3, 100 entropy samples, rtol 0.005, last two layers excluded).
/// </summary>
public sealed record ProbeOptions
{
    /// <summary>The architecture family: <c>mlp</c> (default), or a family another part of the library registers.</summary>
    public string Architecture { get; init; } = ArchitectureCatalog.MlpName;

    /// <summary>Channels per layer of a convolutional architecture; null for the MLP (which uses <see cref="Width"/>).</summary>
    public int? Channels { get; init; }

    /// <summary>Weight variance σ_w² (W ~ N(0, σ_w²/fan_in)); must be finite and above 0.</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b² (b ~ N(0, σ_b²)); default 0.05; must be finite and at least 0.</summary>
    public double SigmaB2 { get; init; } = ProbeDefaults.Mlp.SigmaB2;

    /// <summary>Depth D of the deep network (see <see cref="NetworkWidth"/> for the number of linear layers); at least 2.</summary>
    public required int Depth { get; init; }

    /// <summary>Width rule; default <see cref="NetworkWidth.Wide"/> (as wide as the input, then 400, then the classes).</summary>
    public NetworkWidth Width { get; init; } = NetworkWidth.Wide;

    /// <summary>Activation after every layer; default tanh.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Training images used to train the decoders (the first N of a seeded shuffle); null = all.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Decoder training epochs; default 1 as the authors.</summary>
    public int Epochs { get; init; } = ProbeDefaults.Mlp.Epochs;

    /// <summary>Mini-batch size; default 64 as the authors' MLP script.</summary>
    public int BatchSize { get; init; } = ProbeDefaults.Mlp.BatchSize;

    /// <summary>Adam learning rate of the decoders; default 1e-3 (PyTorch's default, as the authors).</summary>
    public double LearningRate { get; init; } = ProbeDefaults.Mlp.LearningRate;

    /// <summary>Seed of every random draw (weights, decoder initialisation, shuffling, test sample).</summary>
    public int Seed { get; init; } = ProbeDefaults.Seed;

    /// <summary>Held-out test images whose reconstructions give the entropy curve; default 100 as the authors.</summary>
    public int EntropySamples { get; init; } = ProbeDefaults.EntropySamples;

    /// <summary>How many of the entropy samples keep their reconstructions (for pictures) in the result; default 8.</summary>
    public int ReconstructionImages { get; init; } = ProbeDefaults.ReconstructionImages;

    /// <summary>Relative tolerance of the cutoff; default 0.005 (0.5 %) as the authors' MLP script.</summary>
    public double CutoffTolerance { get; init; } = ProbeDefaults.Mlp.CutoffTolerance;

    /// <summary>Deepest layers left out of the curve; default 2 (the authors use cascades[1:-2]).</summary>
    public int ExcludedLastLayers { get; init; } = ProbeDefaults.ExcludedLastLayers;

    /// <summary>
    /// How much of the authors' training the probe does: <see cref="ProbeMode.Faithful"/> (default; every decoder, every
    /// image, every epoch), <see cref="ProbeMode.Adaptive"/> (stops where the answer no longer changes; the MLP only) or
    /// <see cref="ProbeMode.LeastSquares"/> (decoders in closed form over <see cref="TrainSamples"/> images; the MLP only;
    /// <see cref="Epochs"/>, <see cref="BatchSize"/> and <see cref="LearningRate"/> do not apply).
    /// </summary>
    public ProbeMode Mode { get; init; } = ProbeMode.Faithful;

    /// <summary>Compute device; default <see cref="DeviceKind.Auto"/>.</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>
    /// Memory budget in bytes: <see cref="Validate"/> refuses a configuration whose estimated memory (network, decoders
    /// with their Adam state, and the largest working set of training or evaluation) exceeds it. Null (default): the
    /// lower of the available memory and the cgroup limit (<see cref="MemoryBudget.Default"/>).
    /// </summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>TorchSharp intra-op threads; null keeps TorchSharp's setting. The setting is process-wide and stays in effect after the probe.</summary>
    public int? Threads { get; init; }

    /// <summary>The network these options describe (the one mapping from the probe's options to the architecture seam).</summary>
    internal NetworkDescription ToNetworkDescription() => new()
    {
        Architecture = Architecture,
        SigmaW2 = SigmaW2,
        SigmaB2 = SigmaB2,
        Depth = Depth,
        Width = Width,
        Channels = Channels,
        Activation = Activation,
    };

    /// <summary>What a probe of these options asks of the network, for the memory estimate.</summary>
    internal ProbeWorkload ToWorkload(int trainCount) => new(BatchSize, trainCount, EntropySamples, ReconstructionImages, Mode == ProbeMode.LeastSquares);

    /// <summary>The layout of the network these options describe on <paramref name="train"/>'s images; throws as <see cref="Validate"/>.</summary>
    internal NetworkLayout Layout(ImageDataset train) =>
        ArchitectureCatalog.Get(Architecture).Layout(ToNetworkDescription(), new ImageShape(train.Channels, train.Height, train.Width), train.ClassNames.Count, train.Name);

    /// <summary>The network specification these options describe for a dataset's input size and classes (an MLP).</summary>
    public NetworkSpec ToNetworkSpec(int inputSize, int classes) => ToNetworkDescription().ToNetworkSpec(inputSize, classes, Seed);

    /// <summary>
    /// Checks every option against the training set before any work; throws <see cref="ArgumentOutOfRangeException"/> or
    /// <see cref="ArgumentException"/> whose parameter name is the option's name.
    /// </summary>
    /// <param name="train">The training set the probe will use.</param>
    /// <param name="test">The test set, when known (checks <see cref="EntropySamples"/> against it).</param>
    public void Validate(ImageDataset train, ImageDataset? test = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        var architecture = ArchitectureCatalog.Get(Architecture);
        NetworkLayout layout = Layout(train);
        int layers = layout.Depth;
        if (ExcludedLastLayers < 0 || ExcludedLastLayers >= layers)
        {
            throw new ArgumentOutOfRangeException(nameof(ExcludedLastLayers), ExcludedLastLayers,
                $"ExcludedLastLayers must be in 0..{layers - 1} for a network of {layers} linear layers (depth {Depth}, width '{Width}'); got {ExcludedLastLayers}.");
        }
        if (TrainSamples is { } n && (n < 1 || n > train.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(TrainSamples), n,
                $"TrainSamples must be in 1..{train.Count} (dataset '{train.Name}' {train.Split} has {train.Count} images); got {n}.");
        }
        if (train.Count < 1)
        {
            throw new ArgumentException($"Dataset '{train.Name}' ({train.Split}) is empty.", nameof(train));
        }
        NetworkOptionsValidation.ValidateTraining(Epochs, BatchSize, LearningRate);
        int fitted = TrainSamples ?? (Mode == ProbeMode.LeastSquares ? Architectures.Mlp.LeastSquaresDecoders.DefaultImages : train.Count);
        ProbeMemoryEstimate.Check(architecture, layout, Math.Min(fitted, train.Count), this);
        if (EntropySamples < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(EntropySamples), $"EntropySamples must be at least 2 (the differential entropy needs a spread); got {EntropySamples}.");
        }
        if (test is not null)
        {
            if (test.FeatureSize != train.FeatureSize || test.ClassNames.Count != train.ClassNames.Count)
            {
                throw new ArgumentException(
                    $"Test set '{test.Name}' ({test.FeatureSize} values, {test.ClassNames.Count} classes) does not match training set '{train.Name}' ({train.FeatureSize} values, {train.ClassNames.Count} classes).",
                    nameof(test));
            }
            if (EntropySamples > test.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(EntropySamples), EntropySamples,
                    $"EntropySamples must be at most the test set's {test.Count} images; got {EntropySamples}.");
            }
        }
        if (ReconstructionImages < 0 || ReconstructionImages > EntropySamples)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconstructionImages), ReconstructionImages,
                $"ReconstructionImages must be in 0..EntropySamples ({EntropySamples}); got {ReconstructionImages}.");
        }
        if (!(CutoffTolerance >= 0) || double.IsInfinity(CutoffTolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(CutoffTolerance), $"CutoffTolerance must be a finite number of at least 0; got {CutoffTolerance}.");
        }
        if (Threads is { } t && t < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), $"Threads must be at least 1; got {t}.");
        }
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), "Unknown probe mode.");
        }
        if (Mode == ProbeMode.Adaptive && architecture.Name != ArchitectureCatalog.MlpName)
        {
            throw new ArgumentException($"The adaptive mode is measured for the MLP only; probe a '{architecture.Name}' faithfully.", nameof(Mode));
        }
        if (Mode == ProbeMode.LeastSquares && architecture.Name != ArchitectureCatalog.MlpName)
        {
            throw new ArgumentException($"Least-squares decoders exist for the MLP only; probe a '{architecture.Name}' faithfully.", nameof(Mode));
        }
        if (!Enum.IsDefined(Device))
        {
            throw new ArgumentOutOfRangeException(nameof(Device), "Unknown device kind.");
        }
    }
}
