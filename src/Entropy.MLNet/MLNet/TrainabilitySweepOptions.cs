using Entropy.MLNet.Data;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Sweep;

#pragma warning disable CA1819 // An options bag, as ML.NET's.

namespace Entropy.MLNet.MLNet;

/// <summary>Progress of a sweep: grid points done, of how many, and the probe progress of the current one.</summary>
/// <param name="Done">Grid points finished.</param>
/// <param name="Total">Grid points in all.</param>
/// <param name="SigmaW2">σ_w² of the current point.</param>
/// <param name="SigmaB2">σ_b² of the current point.</param>
/// <param name="Activation">Activation of the current point.</param>
/// <param name="Probe">The current probe's progress, when known.</param>
public sealed record TrainabilitySweepProgress(int Done, int Total, double SigmaW2, double SigmaB2, string Activation, ProbeProgress? Probe);

/// <summary>Settings of <see cref="TrainabilitySweepEstimator"/>: the image column, the configuration grid and the probe settings.</summary>
public sealed class TrainabilitySweepOptions
{
    /// <summary>Float-vector image column of the data given to <c>Fit</c>; default <c>Features</c>.</summary>
    public string InputColumnName { get; set; } = "Features";

    /// <summary>Image shape when the column's type does not carry (C, H, W); null = from the column.</summary>
    public ImageShape? ImageShape { get; set; }

    /// <summary>The σ_w² grid (at least one value; interpolation happens between these); default 0.5, 1, …, 4.</summary>
    public double[] SigmaW2 { get; set; } = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0];

    /// <summary>The σ_b² values (no interpolation across them); default 0.05.</summary>
    public double[] SigmaB2 { get; set; } = [ProbeDefaults.MlpSigmaB2];

    /// <summary>Activations; default tanh.</summary>
    public string[] Activations { get; set; } = ["tanh"];

    /// <summary>Depth of every probe network: the deepest configuration the sweep can judge is about this minus <see cref="ExcludedLastLayers"/>; default 50.</summary>
    public int ProbeDepth { get; set; } = 50;

    /// <summary>Width rule of the probe networks; default <c>wide</c>.</summary>
    public string Width { get; set; } = "wide";

    /// <summary>
    /// Network family: <c>mlp</c> (default), <c>cnn</c> or <c>resnet</c> (the paper's CNN and ResNet; they need the
    /// column's C×H×W shape, H and W multiples of 4 and at least 12, <see cref="Width"/> <c>wide</c>, and take σ_b²,
    /// batch and cutoff tolerance as set here: the authors used σ_b² 2e-5, batch 100 and tolerance 0.01 for them).
    /// The curve of a CNN of depth D has D points, of a ResNet D + 1. Saved with the fitted table.
    /// </summary>
    public string Architecture { get; set; } = Architectures.ArchitectureCatalog.MlpName;

    /// <summary>Channels per layer of <c>cnn</c>/<c>resnet</c>; null = the family's default (128, 32). Not for <c>mlp</c>.</summary>
    public int? Channels { get; set; }

    /// <summary>Outputs of the networks' last layer; default 10.</summary>
    public int Classes { get; set; } = 10;

    /// <summary>Rows used to train the decoders (a seeded subset of the rows not held out); null = all of them.</summary>
    public int? TrainSamples { get; set; }

    /// <summary>Rows held out (seeded) to measure the entropy curve; default 100.</summary>
    public int EntropySamples { get; set; } = ProbeDefaults.EntropySamples;

    /// <summary>Decoder training epochs; default 1.</summary>
    public int Epochs { get; set; } = ProbeDefaults.MlpEpochs;

    /// <summary>Mini-batch size; default 64.</summary>
    public int BatchSize { get; set; } = ProbeDefaults.MlpBatchSize;

    /// <summary>Adam learning rate; default 1e-3.</summary>
    public double LearningRate { get; set; } = ProbeDefaults.MlpLearningRate;

    /// <summary>Relative tolerance of the cutoff; default 0.005.</summary>
    public double CutoffTolerance { get; set; } = ProbeDefaults.MlpCutoffTolerance;

    /// <summary>Deepest layers left out of each curve; default 2.</summary>
    public int ExcludedLastLayers { get; set; } = ProbeDefaults.ExcludedLastLayers;

    /// <summary>Seed shared by every grid point; null = drawn from the <c>MLContext</c>.</summary>
    public int? Seed { get; set; }

    /// <summary>Device; null = from <c>MLContext.GpuDeviceId</c>/<c>FallbackToCpu</c>, else auto.</summary>
    public DeviceKind? Device { get; set; }

    /// <summary>TorchSharp intra-op threads; null keeps TorchSharp's setting.</summary>
    public int? Threads { get; set; }

    /// <summary>Progress per grid point and batch.</summary>
    public IProgress<TrainabilitySweepProgress>? Progress { get; set; }

    /// <summary>Cancels <c>Fit</c> between batches.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>The probe of one grid point (the one mapping from these options to the probe's), with the configuration's own seed.</summary>
    internal ProbeOptions ToProbeOptions(SweepConfiguration configuration, Activation activation, NetworkWidth width, DeviceKind device) => new()
    {
        Architecture = Architecture,
        Channels = Channels,
        SigmaW2 = configuration.SigmaW2,
        SigmaB2 = configuration.SigmaB2,
        Depth = ProbeDepth,
        Width = width,
        Activation = activation,
        TrainSamples = TrainSamples,
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Seed = configuration.Seed,
        EntropySamples = EntropySamples,
        ReconstructionImages = 0,
        CutoffTolerance = CutoffTolerance,
        ExcludedLastLayers = ExcludedLastLayers,
        Device = device,
        Threads = Threads,
    };

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(InputColumnName, nameof(InputColumnName));
        if (SigmaW2 is null || SigmaW2.Length == 0 || SigmaW2.Any(v => !(v > 0) || !double.IsFinite(v)))
        {
            throw new ArgumentOutOfRangeException(nameof(SigmaW2), "SigmaW2: give at least one finite σ_w² above 0.");
        }
        if (SigmaB2 is null || SigmaB2.Length == 0 || SigmaB2.Any(v => !(v >= 0) || !double.IsFinite(v)))
        {
            throw new ArgumentOutOfRangeException(nameof(SigmaB2), "SigmaB2: give at least one finite σ_b² of at least 0.");
        }
        if (Activations is null || Activations.Length == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Activations), "Activations: give at least one activation.");
        }
        foreach (string a in Activations)
        {
            ReconstructionProbeEstimatorOptions.ParseActivation(a, nameof(Activations));
        }
        ReconstructionProbeEstimatorOptions.ParseWidth(Width, nameof(Width));
        // Unknown names throw naming Architecture; the images are checked against the family at Fit.
        if (Architectures.ArchitectureCatalog.Get(Architecture) is Architectures.Convolutional.ConvolutionalArchitecture)
        {
            if (Channels is < 1 or > Architectures.Convolutional.ConvolutionalSpec.MaxChannels)
            {
                throw new ArgumentOutOfRangeException(nameof(Channels), Channels, $"Channels must be in 1..{Architectures.Convolutional.ConvolutionalSpec.MaxChannels}; got {Channels}.");
            }
        }
        else if (Channels is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, $"Channels apply to cnn and resnet, not '{Architecture}' (use Width).");
        }
        if (ProbeDepth < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(ProbeDepth), ProbeDepth, $"ProbeDepth must be at least 2; got {ProbeDepth}.");
        }
        if (EntropySamples < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(EntropySamples), EntropySamples, $"EntropySamples must be at least 2; got {EntropySamples}.");
        }
        if (Classes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Classes), Classes, $"Classes must be at least 1; got {Classes}.");
        }
    }
}
