using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;

// Validate names the offending option (not a method parameter), so that callers and the CLI can say which one.
#pragma warning disable CA2208

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// Settings of one CNN or ResNet probe. Defaults are the authors' CNN/ResNet scripts: σ_b² 2e-5, one decoder epoch,
/// batch 100, Adam lr 1e-3, 100 entropy samples, cutoff tolerance 0.01, the last two layers left out of the curve.
/// </summary>
internal sealed record ConvolutionalProbeOptions
{
    /// <summary>CNN or ResNet.</summary>
    public required ConvolutionalKind Kind { get; init; }

    /// <summary>Channels c.</summary>
    public required int Channels { get; init; }

    /// <summary>Depth as the authors count it (see <see cref="ConvolutionalSpec.Depth"/>).</summary>
    public required int Depth { get; init; }

    /// <summary>Weight variance σ_w².</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b²; default 2e-5.</summary>
    public double SigmaB2 { get; init; } = ConvolutionalDefaults.SigmaB2;

    /// <summary>Activation; default tanh.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Training images for the decoders (the first N of a seeded shuffle); null = all.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Decoder epochs; default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Decoder mini-batch; default 100.</summary>
    public int BatchSize { get; init; } = ConvolutionalDefaults.BatchSize;

    /// <summary>Adam learning rate of each decoder; default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Seed of every draw (weights, decoders, shuffles, samples).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Test images whose reconstructions give the curve; default 100.</summary>
    public int EntropySamples { get; init; } = 100;

    /// <summary>Entropy samples whose reconstructions are kept for pictures; default 8.</summary>
    public int ReconstructionImages { get; init; } = 8;

    /// <summary>Relative tolerance of the cutoff; default 0.01 as the authors' CNN/ResNet scripts.</summary>
    public double CutoffTolerance { get; init; } = ConvolutionalDefaults.CutoffTolerance;

    /// <summary>Deepest decoded layers left out of the curve; default 2 (cascades[1:-2]).</summary>
    public int ExcludedLastLayers { get; init; } = 2;

    /// <summary>Compute device.</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>Memory budget in bytes; null = <see cref="MemoryBudget.Default"/>.</summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>TorchSharp intra-op threads; null keeps the current setting.</summary>
    public int? Threads { get; init; }

    /// <summary>The network these options describe for a dataset's image shape and classes.</summary>
    public ConvolutionalSpec ToSpec(ImageDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new ConvolutionalSpec
        {
            Kind = Kind,
            InputChannels = data.Channels,
            Height = data.Height,
            Width = data.Width,
            Classes = data.ClassNames.Count,
            Channels = Channels,
            Depth = Depth,
            SigmaW2 = SigmaW2,
            SigmaB2 = SigmaB2,
            Activation = Activation,
            Seed = Seed,
        };
    }

    /// <summary>Checks every option against the data before any allocation; the exception names the option.</summary>
    public ConvolutionalSpec Validate(ImageDataset train, ImageDataset? test = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count < 1)
        {
            throw new ArgumentException($"Dataset '{train.Name}' ({train.Split}) is empty.", nameof(train));
        }
        ConvolutionalSpec spec = ToSpec(train);
        ConvolutionalValidation.Check(spec);
        NetworkOptionsValidation.ValidateTraining(Epochs, BatchSize, LearningRate);
        if (ExcludedLastLayers < 0 || ExcludedLastLayers >= spec.Layers)
        {
            throw new ArgumentOutOfRangeException(nameof(ExcludedLastLayers), ExcludedLastLayers,
                $"ExcludedLastLayers must be in 0..{spec.Layers - 1} for {spec.Layers} decoded layers; got {ExcludedLastLayers}.");
        }
        if (TrainSamples is { } n && (n < 1 || n > train.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(TrainSamples), n, $"TrainSamples must be in 1..{train.Count}; got {n}.");
        }
        if (EntropySamples < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(EntropySamples), EntropySamples, $"EntropySamples must be at least 2; got {EntropySamples}.");
        }
        if (test is not null)
        {
            if (test.Channels != train.Channels || test.Height != train.Height || test.Width != train.Width || test.ClassNames.Count != train.ClassNames.Count)
            {
                throw new ArgumentException($"Test set '{test.Name}' ({test.Channels}×{test.Height}×{test.Width}, {test.ClassNames.Count} classes) does not match training set '{train.Name}' ({train.Channels}×{train.Height}×{train.Width}, {train.ClassNames.Count} classes).", nameof(test));
            }
            if (EntropySamples > test.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(EntropySamples), EntropySamples, $"EntropySamples must be at most the test set's {test.Count} images; got {EntropySamples}.");
            }
        }
        if (ReconstructionImages < 0 || ReconstructionImages > EntropySamples)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconstructionImages), ReconstructionImages, $"ReconstructionImages must be in 0..EntropySamples ({EntropySamples}); got {ReconstructionImages}.");
        }
        if (!(CutoffTolerance >= 0) || double.IsInfinity(CutoffTolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(CutoffTolerance), CutoffTolerance, $"CutoffTolerance must be a finite number of at least 0; got {CutoffTolerance}.");
        }
        if (Threads is { } t && t < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), t, $"Threads must be at least 1; got {t}.");
        }
        ConvolutionalMemoryEstimate.Check(spec, Math.Min(BatchSize, TrainSamples ?? train.Count), EntropySamples, ReconstructionImages, MaxMemoryBytes);
        return spec;
    }
}
