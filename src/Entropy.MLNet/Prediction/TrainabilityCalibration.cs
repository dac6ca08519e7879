using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Entropy.MLNet.Prediction;

/// <summary>
/// A committed map from a probe's curve features (and mean-field ξ_c) to a predicted maximum trainable depth, with the
/// provenance of its constants (docs/prediction.md). The library embeds the default one
/// (<see cref="Default"/>: fitted on the committed MNIST ground truth); <see cref="Load"/> reads another.
/// <para>
/// Formulas (<see cref="CalibratedPrediction"/>), with ℓ_c the collapse layer and m the decoder MSE of
/// <see cref="CurveFeatures"/>:
/// probe: D = min(S, a_o·ℓ_c^b_o, a_c·m^−γ) (a term is +∞ when its feature is: no collapse, m = 0);
/// mean field: D = min(S_mf, k·ξ_c); probe + mean field: D = D_probe^w · D_mf^(1−w).
/// </para>
/// </summary>
public sealed record TrainabilityCalibration
{
    /// <summary>The format version this code reads and writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The largest calibration file read (checked before reading it).</summary>
    public const long MaxFileBytes = 64 * 1024;

    /// <summary>The embedded default's resource name.</summary>
    internal const string DefaultResourceName = "Entropy.MLNet.Prediction.calibration.json";

    /// <summary>The embedded quick-preset calibration's resource name.</summary>
    internal const string QuickResourceName = "Entropy.MLNet.Prediction.calibration-quick.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NewLine = "\n",
    };

    private static readonly Lazy<TrainabilityCalibration> EmbeddedDefault = new(() => LoadEmbedded(DefaultResourceName));

    private static readonly Lazy<TrainabilityCalibration> EmbeddedQuick = new(() => LoadEmbedded(QuickResourceName));

    private static readonly Lazy<TrainabilityCalibration> EmbeddedLeastSquares = new(() => LoadEmbedded(LeastSquaresResourceName));

    /// <summary>The embedded calibration of the least-squares probe: its resource name.</summary>
    internal const string LeastSquaresResourceName = "Entropy.MLNet.Prediction.calibration-ls.json";

    /// <summary>The least-squares probe mode's name, as settings.json and result files write it.</summary>
    internal const string LeastSquaresMode = "least-squares";

    /// <summary>Format version (1).</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>A short name shown next to every prediction made with it.</summary>
    public required string Name { get; init; }

    /// <summary>Where the constants come from.</summary>
    public required CalibrationProvenance Provenance { get; init; }

    /// <summary>The probe's training images the calibration was fitted for (null: any budget, the fallback).</summary>
    public int? ProbeTrainSamples { get; init; }

    /// <summary>The probe's decoder epochs the calibration was fitted for (null: any).</summary>
    public int? ProbeEpochs { get; init; }

    /// <summary>
    /// The probe mode the calibration was fitted for: null for the authors' trained decoders, <c>least-squares</c> for
    /// the closed-form ones (whose features do not depend on the image budget, so its budget fields are null).
    /// </summary>
    public string? ProbeMode { get; init; }

    /// <summary>Collapse: the drop of the differential entropy below layer 1's (nats) that marks input-independent reconstructions.</summary>
    public required double CollapseDrop { get; init; }

    /// <summary>The first layer (1-based) of the decoder-MSE median.</summary>
    public required int MseFirstLayer { get; init; }

    /// <summary>The last layer of the decoder-MSE median (or the curve's last, when shorter).</summary>
    public required int MseLastLayer { get; init; }

    /// <summary>S: the deepest depth the probe predictor answers (the training budget's limit near the critical point).</summary>
    public required double SaturationDepth { get; init; }

    /// <summary>a_o: ordered flank, depth = a_o·ℓ_c^b_o.</summary>
    public required double OrderedScale { get; init; }

    /// <summary>b_o: ordered flank exponent.</summary>
    public required double OrderedExponent { get; init; }

    /// <summary>a_c: chaotic flank, depth = a_c·m^−γ.</summary>
    public required double ChaoticScale { get; init; }

    /// <summary>γ: chaotic flank exponent.</summary>
    public required double ChaoticExponent { get; init; }

    /// <summary>S_mf: the deepest depth the mean-field term answers.</summary>
    public required double MeanFieldSaturationDepth { get; init; }

    /// <summary>k: mean-field term k·ξ_c.</summary>
    public required double XiScale { get; init; }

    /// <summary>w in [0, 1]: the probe's weight in the probe + mean-field predictor (geometric mean).</summary>
    public required double ProbeWeight { get; init; }

    /// <summary>The calibration embedded in the library (fitted on MNIST; see its provenance).</summary>
    public static TrainabilityCalibration Default => EmbeddedDefault.Value;

    /// <summary>Every calibration embedded in the library (the default and the quick preset's).</summary>
    internal static IReadOnlyList<TrainabilityCalibration> Embedded => [Default, EmbeddedQuick.Value, EmbeddedLeastSquares.Value];

    /// <summary>
    /// The embedded calibration for a probe budget: the quick preset's (<see cref="ProbeTrainSamples"/> and
    /// <see cref="ProbeEpochs"/> equal) when it matches, else <see cref="Default"/>. The curve features depend on how well
    /// the decoders are trained, so a calibration holds only for the budget it was fitted on (docs/prediction.md).
    /// </summary>
    /// <param name="trainSamples">The probe's training images (null: all).</param>
    /// <param name="epochs">The probe's decoder epochs.</param>
    /// <param name="mode">The probe mode (settings.json's name): <c>least-squares</c> has its own calibration, whatever the budget.</param>
    public static TrainabilityCalibration ForProbe(int? trainSamples, int epochs, string? mode = null)
    {
        if (mode == LeastSquaresMode)
        {
            return EmbeddedLeastSquares.Value;
        }
        TrainabilityCalibration quick = EmbeddedQuick.Value;
        return trainSamples == quick.ProbeTrainSamples && epochs == quick.ProbeEpochs ? quick : Default;
    }

    /// <summary>The JSON text of this calibration.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions) + "\n";

    /// <summary>Reads and checks a calibration file; every error names the file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Too large, not a calibration, another format version, or a constant out of range.</exception>
    public static TrainabilityCalibration Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: calibration file not found.", path);
        }
        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: {info.Length} bytes; a calibration file has at most {MaxFileBytes}."));
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and checks calibration JSON; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not a calibration, another format version, or a constant out of range.</exception>
    public static TrainabilityCalibration Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        TrainabilityCalibration? calibration;
        try
        {
            calibration = JsonSerializer.Deserialize<TrainabilityCalibration>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a trainability calibration: {ex.Message}", ex);
        }
        if (calibration is null)
        {
            throw new InvalidDataException($"{source}: holds null, not a trainability calibration.");
        }
        calibration.Check(source);
        return calibration;
    }

    private void Check(string source)
    {
        if (FormatVersion != CurrentFormatVersion)
        {
            throw new InvalidDataException($"{source}: format version {FormatVersion}; this version of Entropy.MLNet reads version {CurrentFormatVersion}.");
        }
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200)
        {
            throw new InvalidDataException($"{source}: name must be 1 to 200 characters.");
        }
        if (Provenance is null || string.IsNullOrWhiteSpace(Provenance.Truth) || string.IsNullOrWhiteSpace(Provenance.Probe))
        {
            throw new InvalidDataException($"{source}: provenance.truth and provenance.probe are required.");
        }
        if (ProbeMode is not (null or LeastSquaresMode))
        {
            throw new InvalidDataException($"{source}: probeMode must be absent or '{LeastSquaresMode}'; got '{ProbeMode}'.");
        }
        if (ProbeTrainSamples is < 1 || ProbeEpochs is < 1)
        {
            throw new InvalidDataException($"{source}: probeTrainSamples and probeEpochs must be at least 1 when given.");
        }
        Positive(source, "collapseDrop", CollapseDrop);
        Positive(source, "saturationDepth", SaturationDepth);
        Positive(source, "orderedScale", OrderedScale);
        Positive(source, "orderedExponent", OrderedExponent);
        Positive(source, "chaoticScale", ChaoticScale);
        Positive(source, "chaoticExponent", ChaoticExponent);
        Positive(source, "meanFieldSaturationDepth", MeanFieldSaturationDepth);
        Positive(source, "xiScale", XiScale);
        if (MseFirstLayer < 1 || MseLastLayer < MseFirstLayer || MseLastLayer > 100_000)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: mseFirstLayer and mseLastLayer must satisfy 1 ≤ first ≤ last ≤ 100000; got {MseFirstLayer} and {MseLastLayer}."));
        }
        if (!(ProbeWeight >= 0 && ProbeWeight <= 1))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{source}: probeWeight must lie in [0, 1]; got {ProbeWeight}."));
        }
    }

    private static void Positive(string source, string name, double value)
    {
        if (!(double.IsFinite(value) && value > 0))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{source}: {name} must be a finite number above 0; got {value}."));
        }
    }

    private static TrainabilityCalibration LoadEmbedded(string resource)
    {
        using Stream stream = typeof(TrainabilityCalibration).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded calibration {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "embedded " + resource);
    }
}
