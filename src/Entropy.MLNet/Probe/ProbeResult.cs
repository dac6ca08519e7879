using System.Text.Json;
using System.Text.Json.Serialization;

namespace Entropy.MLNet.Probe;

/// <summary>
/// Reconstructions of a few test images: for each image the input itself and its reconstruction from every layer
/// (decoded back through the cascade), each C·H·W values. Inputs are in [0, 1]; reconstructions are decoder outputs
/// (tanh range (−1, 1) for the default cascade).
/// </summary>
public sealed record ProbeReconstructions
{
    /// <summary>Channels per image.</summary>
    public required int Channels { get; init; }

    /// <summary>Image height.</summary>
    public required int Height { get; init; }

    /// <summary>Image width.</summary>
    public required int Width { get; init; }

    /// <summary>The layer of each column: 0 for the input, ℓ for the reconstruction from layer ℓ.</summary>
    public required int[] Layers { get; init; }

    /// <summary>The label of each image.</summary>
    public required int[] Labels { get; init; }

    /// <summary>Images [k][column][C·H·W]: column 0 is the input, column j the reconstruction from layer <c>Layers[j]</c>.</summary>
    public required float[][][] Images { get; init; }
}

/// <summary>
/// The outcome of one reconstruction-entropy probe: the per-layer relative-entropy curve, its cutoff (the predicted
/// maximum trainable depth), the differential entropy, the decoders' test errors and a few reconstructions. Curve index i
/// is the reconstruction from layer i + 1; the curve covers layers 1..L − <see cref="ExcludedLastLayers"/>.
/// Immutable; round-trips through System.Text.Json (<see cref="ToJson"/>, <see cref="FromJson"/>).
/// </summary>
public sealed record ProbeResult
{
    /// <summary>JSON settings for results: camelCase, and ±∞/NaN written as strings (the differential entropy of identical reconstructions is −∞).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonSerializerOptions IndentedOptions = new(JsonOptions) { WriteIndented = true };

    /// <summary>Weight variance σ_w².</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b².</summary>
    public required double SigmaB2 { get; init; }

    /// <summary>The requested depth D.</summary>
    public required int Depth { get; init; }

    /// <summary>Number of linear layers L of the network (D for wide/fixed, D − 1 for shrinking).</summary>
    public required int Layers { get; init; }

    /// <summary>
    /// Adaptive mode only: the deepest layer whose decoder was trained when the cascade stopped growing before L (its
    /// curve saturated with a margin). The curves hold NaN beyond it; null when every layer was measured.
    /// </summary>
    public int? MeasuredLayers { get; init; }

    /// <summary>The probe's mode: <c>adaptive</c>, or null for the authors' faithful method.</summary>
    public string? Mode { get; init; }

    /// <summary>
    /// The MLP probe's work in GFLOP under the FLOP model (<c>ProbeWork</c>): training as done (network forward and
    /// decoder steps taken) plus every evaluation; null for other families.
    /// </summary>
    public double? WorkGflop { get; init; }

    /// <summary>What the faithful method does for the same settings, in GFLOP under the same model (the ratio is the adaptive mode's saving).</summary>
    public double? FaithfulWorkGflop { get; init; }

    /// <summary>Adaptive mode only: the images the deepest stage's decoders trained on before their losses converged (null: all of them, every epoch).</summary>
    public int? TrainImagesUsed { get; init; }

    /// <summary>The layer sizes n0..nL.</summary>
    public required int[] LayerSizes { get; init; }

    /// <summary>The width rule as text (<c>wide</c>, <c>shrinking</c>, <c>128</c>, <c>784,512,10</c>).</summary>
    public required string Width { get; init; }

    /// <summary>The activation's name.</summary>
    public required string Activation { get; init; }

    /// <summary>The architecture family (<c>cnn</c>, <c>resnet</c>); null for the MLP (results written before families existed).</summary>
    public string? Architecture { get; init; }

    /// <summary>Channels per hidden layer of a convolutional family; null for the MLP.</summary>
    public int? Channels { get; init; }

    /// <summary>Dataset name.</summary>
    public string? Dataset { get; init; }

    /// <summary>Where the training data came from (a directory or <c>embedded</c>).</summary>
    public string? Source { get; init; }

    /// <summary>
    /// The cutoff (0-based curve index, as the authors): the deepest index whose normalised median relative entropy
    /// differs from the last by more than <see cref="CutoffTolerance"/>; the curve length when flat. The predicted
    /// maximum trainable depth. When the network diverges (<see cref="DivergenceLayer"/> ℓ), it is read from the finite
    /// part of the curve only and is at most ℓ − 1 (0 when ℓ = 1): never a depth at which the network overflows.
    /// </summary>
    public required int Cutoff { get; init; }

    /// <summary>
    /// The first layer ℓ (1-based, up to <see cref="Layers"/>) whose activations on the entropy sample or whose relative
    /// entropies are not finite (±∞ or NaN): the network diverges there, and the curve from ℓ on measures nothing (its
    /// normalised median is NaN there). Null when every layer is finite.
    /// </summary>
    public int? DivergenceLayer { get; init; }

    /// <summary>The relative tolerance the cutoff used.</summary>
    public required double CutoffTolerance { get; init; }

    /// <summary>Number of deepest layers left out of the curve.</summary>
    public required int ExcludedLastLayers { get; init; }

    /// <summary>Per curve layer: the median over samples of the relative entropy (nats).</summary>
    public required float[] MedianRelativeEntropy { get; init; }

    /// <summary>The curve the cutoff is read from: an alias of <see cref="MedianRelativeEntropy"/>.</summary>
    [JsonIgnore]
    public float[] RelativeEntropy => MedianRelativeEntropy;

    /// <summary>Per curve layer: the mean over samples of the relative entropy (nats).</summary>
    public required float[] MeanRelativeEntropy { get; init; }

    /// <summary>Per curve layer: the median over samples of each sample's curve divided by its last value (what the cutoff cuts; last point 1).</summary>
    public required float[] NormalizedMedian { get; init; }

    /// <summary>Relative entropy [sample][curve layer] (nats).</summary>
    public required float[][] PerSampleRelativeEntropy { get; init; }

    /// <summary>Per curve layer: the differential entropy of the reconstructions (as the authors, on min-shifted normalised reconstructions; may be −∞).</summary>
    public required double[] DifferentialEntropy { get; init; }

    /// <summary>The authors' "differential" cutoff of <see cref="DifferentialEntropy"/> (index into the trimmed, differenced curve; see <see cref="Probe.Cutoff.Differential"/>); null when the curve has fewer than 6 points.</summary>
    public int? DifferentialCutoff { get; init; }

    /// <summary>Per decoder ℓ = 1..L: the mean squared error of decoder ℓ on its own layer-local target on the test sample.</summary>
    public required float[] DecoderTestMse { get; init; }

    /// <summary>The seed.</summary>
    public required int Seed { get; init; }

    /// <summary>TorchSharp intra-op threads used.</summary>
    public required int Threads { get; init; }

    /// <summary>Device the probe ran on (e.g. <c>cpu</c>).</summary>
    public required string Device { get; init; }

    /// <summary>Training images used.</summary>
    public required int TrainSamples { get; init; }

    /// <summary>Decoder epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Mini-batch size.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Test images in the entropy sample.</summary>
    public required int EntropySamples { get; init; }

    /// <summary>Seconds spent building and training.</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Seconds spent reconstructing and computing the entropies.</summary>
    public required double EvaluateSeconds { get; init; }

    /// <summary>Total seconds.</summary>
    [JsonIgnore]
    public double Seconds => TrainSeconds + EvaluateSeconds;

    /// <summary>Reconstructions of the first <see cref="ProbeOptions.ReconstructionImages"/> entropy samples from every layer; null when none were kept.</summary>
    public ProbeReconstructions? Reconstructions { get; init; }

    /// <summary>The "ideal input" of each class (one-hot ±1 decoded through the whole cascade), [class][C·H·W]; null when not computed.</summary>
    public float[][]? IdealInputs { get; init; }

    /// <summary>Serialises the result (camelCase, indented).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, IndentedOptions);

    /// <summary>Reads a result written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not a probe result.</exception>
    public static ProbeResult FromJson(string json)
        => JsonSerializer.Deserialize<ProbeResult>(json, JsonOptions) ?? throw new JsonException("The JSON document is null, not a probe result.");
}
