using Entropy.MLNet.Data;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Training;
using static TorchSharp.torch;

// Errors name the offending option (not a method parameter), as the options' Validate methods do.
#pragma warning disable CA2208

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// Ground truth for the CNN and ResNet: the probe's network (same spec and seed) trained as a classifier by
/// <see cref="GroundTruthTrainer"/>'s loop. The head is φ(z) fed to cross-entropy as logits, as the authors' CNN/ResNet
/// scripts (their <c>Network.training</c>, no softmax); <see cref="GroundTruthOptions.DoubleSoftmax"/> does not apply.
/// </summary>
internal static class ConvolutionalGroundTruth
{
    /// <summary>Trains the network that <paramref name="kind"/> and <paramref name="channels"/> give at the options' σ_w², σ_b², depth, activation and seed.</summary>
    /// <exception cref="ArgumentException">An invalid option (the parameter name is the option's).</exception>
    public static GroundTruthResult Train(ImageDataset train, ImageDataset test, GroundTruthOptions options, ConvolutionalKind kind, int channels,
        IProgress<GroundTruthProgress>? progress = null, CancellationToken ct = default)
    {
        ConvolutionalSpec spec = Check(train, test, options, kind, channels);
        ct.ThrowIfCancellationRequested();
        Device device = TorchRuntime.ResolveDevice(options.Device);
        using var network = new ConvolutionalNetwork(spec, device);
        return GroundTruthTrainer.TrainNetwork(network, train, test, options, device, progress, ct);
    }

    /// <summary>The checks of <see cref="Train"/> (network, training options, data shapes, memory budget), without training.</summary>
    /// <exception cref="ArgumentException">An invalid option (the parameter name is the option's).</exception>
    public static ConvolutionalSpec Check(ImageDataset train, ImageDataset test, GroundTruthOptions options, ConvolutionalKind kind, int channels)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        var spec = new ConvolutionalSpec
        {
            Kind = kind,
            InputChannels = train.Channels,
            Height = train.Height,
            Width = train.Width,
            Classes = train.ClassNames.Count,
            Channels = channels,
            Depth = options.Depth,
            SigmaW2 = options.SigmaW2,
            SigmaB2 = options.SigmaB2,
            Activation = options.Activation,
            Seed = options.Seed,
        };
        ConvolutionalValidation.Check(spec);
        options.ValidateTraining(train, test);
        if (options.DoubleSoftmax)
        {
            throw new ArgumentException($"DoubleSoftmax is the MLP's head; the {spec.ArchitectureName} uses φ(z) as logits, as the authors.", nameof(options.DoubleSoftmax));
        }
        if (test.Channels != train.Channels || test.Height != train.Height || test.Width != train.Width)
        {
            throw new ArgumentException($"Test set '{test.Name}' ({test.Channels}×{test.Height}×{test.Width}) does not match training set '{train.Name}' ({train.Channels}×{train.Height}×{train.Width}).", nameof(test));
        }
        int trainCount = Math.Min(options.TrainSamples ?? train.Count, train.Count);
        int testCount = options.TestSamples ?? test.Count;
        // Images as tensors plus the probe's estimate at the training batch (parameters with SGD/Adam state are inside).
        var (bytes, breakdown) = ConvolutionalMemoryEstimate.Estimate(spec, new ProbeWorkload(options.BatchSize, trainCount, Math.Min(testCount, 1000), 0));
        double images = ((double)trainCount + testCount) * train.FeatureSize * sizeof(float);
        MemoryBudget.Check(bytes + images, options.MaxMemoryBytes,
            $"Training a {spec.ArchitectureName} of depth {spec.Depth} with {spec.Channels} channels at batch size {options.BatchSize}",
            $"{breakdown}, images {MemoryBudget.Format(images)}");
        return spec;
    }
}
