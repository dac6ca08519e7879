using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.MLNet;

/// <summary>
/// Settings of <see cref="ReconstructionProbeEstimator"/>: which columns it reads and writes, the deep network
/// (σ_w², σ_b², depth, width, activation) and the decoder training. Defaults follow the paper's MLP probe.
/// </summary>
public sealed class ReconstructionProbeEstimatorOptions
{
    /// <summary>Float-vector column with one image per row, planar C·H·W in [0, 1] (what <c>ExtractPixels(scaleImage: 1f / 255)</c> gives); default <c>Features</c>.</summary>
    public string InputColumnName { get; set; } = "Features";

    /// <summary>Output column: the relative entropy of the row's image against its reconstruction from each curve layer (a vector of L − <see cref="ExcludedLastLayers"/> values); default <c>RelativeEntropy</c>.</summary>
    public string OutputColumnName { get; set; } = "RelativeEntropy";

    /// <summary>Output column of the reconstructions at <see cref="ReconstructionLayers"/> (always added, empty when no layers are chosen); default <c>Reconstruction</c>.</summary>
    public string ReconstructionColumnName { get; set; } = "Reconstruction";

    /// <summary>
    /// Layers (1..L) whose reconstructions are emitted in <see cref="ReconstructionColumnName"/>, one C·H·W image after
    /// another in this order; empty (the default) leaves the column's vectors empty.
    /// </summary>
#pragma warning disable CA1819 // An options bag, as ML.NET's.
    public int[] ReconstructionLayers { get; set; } = [];
#pragma warning restore CA1819

    /// <summary>Image shape when the column's vector type does not carry (C, H, W) dimensions; null = from the column (else 1 × 1 × size).</summary>
    public ImageShape? ImageShape { get; set; }

    /// <summary>Weight variance σ_w²; default 1.0.</summary>
    public double SigmaW2 { get; set; } = 1.0;

    /// <summary>Bias variance σ_b²; default 0.05.</summary>
    public double SigmaB2 { get; set; } = ProbeDefaults.MlpSigmaB2;

    /// <summary>Depth L of the deep network; default 20.</summary>
    public int Depth { get; set; } = 20;

    /// <summary>Width rule: <c>wide</c> (default), <c>shrinking</c>, a number or a comma-separated list (see <see cref="NetworkWidth.Parse"/>).</summary>
    public string Width { get; set; } = "wide";

    /// <summary>Activation: tanh (default), relu, hardtanh, gelu, erf or linear.</summary>
    public string Activation { get; set; } = "tanh";

    /// <summary>
    /// Network family: <c>mlp</c> (default), <c>cnn</c> or <c>resnet</c> (the paper's CNN and ResNet; they need the
    /// column's C×H×W shape, H and W multiples of 4, and take σ_b², batch and cutoff tolerance as set here: the authors
    /// used σ_b² 2e-5 and batch 100 for them).
    /// </summary>
    public string Architecture { get; set; } = Architectures.ArchitectureCatalog.MlpName;

    /// <summary>Channels per layer of <c>cnn</c>/<c>resnet</c>; null = the family's default (128, 32). Not for <c>mlp</c>.</summary>
    public int? Channels { get; set; }

    /// <summary>Outputs of the network's last layer (the classes of the task it would be trained on); default 10.</summary>
    public int Classes { get; set; } = 10;

    /// <summary>Rows used to train the decoders (a seeded subset); null = all rows.</summary>
    public int? TrainSamples { get; set; }

    /// <summary>Decoder training epochs; default 1.</summary>
    public int Epochs { get; set; } = ProbeDefaults.MlpEpochs;

    /// <summary>Mini-batch size; default 64.</summary>
    public int BatchSize { get; set; } = ProbeDefaults.MlpBatchSize;

    /// <summary>Adam learning rate of the decoders; default 1e-3.</summary>
    public double LearningRate { get; set; } = ProbeDefaults.MlpLearningRate;

    /// <summary>
    /// Memory budget in bytes: fitting refuses, before building anything, a configuration whose estimated memory exceeds
    /// it. Null (default): the lower of the available memory and the cgroup limit. The CLI's <c>--max-memory</c>.
    /// </summary>
    public long? MaxMemoryBytes { get; set; }

    /// <summary>Deepest layers left out of the entropy vector; default 2, as the authors.</summary>
    public int ExcludedLastLayers { get; set; } = ProbeDefaults.ExcludedLastLayers;

    /// <summary>Seed of every random draw; null (default) = drawn from the <c>MLContext</c>'s seeded random source.</summary>
    public int? Seed { get; set; }

    /// <summary>Device; null (default) = CUDA device <c>MLContext.GpuDeviceId</c> when set (CPU fallback per <c>MLContext.FallbackToCpu</c>), else auto.</summary>
    public DeviceKind? Device { get; set; }

    /// <summary>TorchSharp intra-op threads while training; null keeps TorchSharp's setting.</summary>
    public int? Threads { get; set; }

    /// <summary>Progress of the decoder training, reported after every chunk of mini-batches (at most 4,096 images).</summary>
    public IProgress<ProbeProgress>? Progress { get; set; }

    /// <summary>Cancels <c>Fit</c> between batches.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Checks the settings that do not depend on the data; throws <see cref="ArgumentOutOfRangeException"/>/<see cref="ArgumentException"/> naming the option.</summary>
    internal (Activation Activation, NetworkWidth Width) Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(InputColumnName, nameof(InputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputColumnName, nameof(OutputColumnName));
        ArgumentNullException.ThrowIfNull(ReconstructionLayers, nameof(ReconstructionLayers));
        ArgumentException.ThrowIfNullOrWhiteSpace(ReconstructionColumnName, nameof(ReconstructionColumnName));
        foreach (int layer in ReconstructionLayers)
        {
            if (layer < 1 || layer > Depth)
            {
                throw new ArgumentOutOfRangeException(nameof(ReconstructionLayers), layer, $"ReconstructionLayers: layer {layer} is outside 1..Depth ({Depth}).");
            }
        }
        if (Classes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Classes), Classes, $"Classes must be at least 1; got {Classes}.");
        }
        return (ParseActivation(Activation, nameof(Activation)), ParseWidth(Width, nameof(Width)));
    }

    internal ProbeOptions ToProbeOptions(Activation activation, NetworkWidth width, int seed, DeviceKind device) => new()
    {
        Architecture = Architecture,
        Channels = Channels,
        SigmaW2 = SigmaW2,
        SigmaB2 = SigmaB2,
        Depth = Depth,
        Width = width,
        Activation = activation,
        TrainSamples = TrainSamples,
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Seed = seed,
        ExcludedLastLayers = ExcludedLastLayers,
        Device = device,
        Threads = Threads,
        MaxMemoryBytes = MaxMemoryBytes,
        EntropySamples = 2,
        ReconstructionImages = 0,
    };

    /// <summary>Parses an activation name; an unknown one is an <see cref="ArgumentOutOfRangeException"/> naming <paramref name="option"/>.</summary>
    internal static Activation ParseActivation(string? name, string option)
    {
        try
        {
            return Networks.Activation.Parse(name ?? "");
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentOutOfRangeException(option, name,
                $"{option}: unknown activation '{name}'; expected one of {string.Join(", ", Networks.Activation.BuiltInNames)}. ({ex.Message})");
        }
    }

    internal static NetworkWidth ParseWidth(string? text, string option)
    {
        try
        {
            return NetworkWidth.Parse(text ?? "");
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentOutOfRangeException(option, text, $"{option}: {ex.Message}");
        }
    }
}
