using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// Everything that fixes the numbers of a sweep: dataset, grid, network, probe and ground-truth settings, seed — stored
/// as <c>settings.json</c> in the results directory. Two directories hold "the same sweep" iff their settings are
/// equal except <see cref="Shard"/>; record equality (<see cref="Equals(SweepSettings?)"/>) implements exactly that
/// (arrays compared by value).
/// </summary>
public sealed record SweepSettings
{
    /// <summary>The version of the results-directory format this code writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The file name inside a results directory.</summary>
    public const string FileName = "settings.json";

    /// <summary>JSON options of settings.json: camelCase, indented, nulls written, ±∞ allowed.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NewLine = "\n",
    };

    /// <summary>Format version of the directory (1).</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Dataset name, e.g. <c>mnist</c>.</summary>
    public required string Dataset { get; init; }

    /// <summary>
    /// Where the data came from: <c>embedded</c>, <c>generated</c> or <c>files</c> (a data directory; the path itself is a
    /// host detail, left out so that shards on different machines compare equal).
    /// </summary>
    public required string DatasetSource { get; init; }

    /// <summary>The σ_w² grid values, ascending.</summary>
    public required double[] SigmaW2 { get; init; }

    /// <summary>The σ_b² grid values, ascending.</summary>
    public required double[] SigmaB2 { get; init; }

    /// <summary>The depth D of every probed network (one probe of depth D gives the curve for every depth ≤ D).</summary>
    public required int MaxDepth { get; init; }

    /// <summary>Width rule as <see cref="Networks.NetworkWidth.Parse"/> reads it: <c>wide</c>, <c>shrinking</c>, <c>128</c>, …</summary>
    public string Width { get; init; } = "wide";

    /// <summary>Activation name, e.g. <c>tanh</c>.</summary>
    public string Activation { get; init; } = "tanh";

    /// <summary>
    /// The architecture family (<c>cnn</c>, <c>resnet</c>); null for the MLP, and not written then, so that an MLP
    /// sweep's settings.json is as before families existed. A resume or merge refuses a different family.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Architecture { get; init; }

    /// <summary>Channels per layer of a convolutional family; null (not written) for the MLP.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Channels { get; init; }

    /// <summary>The faithful mode's name in settings.json.</summary>
    public const string FaithfulMode = "faithful";

    /// <summary>The adaptive mode's name in settings.json.</summary>
    public const string AdaptiveMode = "adaptive";

    /// <summary>The least-squares mode's name in settings.json.</summary>
    public const string LeastSquaresMode = "least-squares";

    /// <summary>
    /// The probes' mode: <c>faithful</c> (the authors' full training), <c>adaptive</c> (<see cref="Probe.ProbeMode.Adaptive"/>)
    /// or <c>least-squares</c> (<see cref="Probe.ProbeMode.LeastSquares"/>).
    /// A directory written before modes existed has none and reads as faithful; resume and merge refuse a mix.
    /// </summary>
    public string Mode { get; init; } = FaithfulMode;

    /// <summary>Decoder epochs of each probe.</summary>
    public int Epochs { get; init; } = ProbeDefaults.MlpEpochs;

    /// <summary>Mini-batch size of each probe.</summary>
    public int BatchSize { get; init; } = ProbeDefaults.MlpBatchSize;

    /// <summary>Adam learning rate of the decoders.</summary>
    public double LearningRate { get; init; } = ProbeDefaults.MlpLearningRate;

    /// <summary>Training images per probe (first N of a seeded shuffle); null = all.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Test images in each entropy sample.</summary>
    public int EntropySamples { get; init; } = ProbeDefaults.EntropySamples;

    /// <summary>Relative tolerance of the cutoff.</summary>
    public double CutoffTolerance { get; init; } = ProbeDefaults.MlpCutoffTolerance;

    /// <summary>The sweep seed; each configuration's seed is derived from it and the configuration (<see cref="SweepSeeds"/>).</summary>
    public int Seed { get; init; } = ProbeDefaults.Seed;

    private readonly SweepCalibration? _calibration;

    /// <summary>
    /// The calibration the sweep's prediction uses (predicted depth, score, predictedTrainable; docs/prediction.md):
    /// the one <see cref="Prediction.TrainabilityCalibration.ForProbe"/> chooses for the probe budget
    /// (<see cref="TrainSamples"/>, <see cref="Epochs"/>), or null (not written) for a family no calibration was fitted
    /// for (the CNN and the ResNet), whose predictions stay the authors' cutoff. Left unset it is that choice of this
    /// version of Entropy.MLNet, so a new sweep records it and a directory written before the field existed reads as
    /// it. A directory records what it was written with: a resume or merge refuses another calibration
    /// (<see cref="Validate"/> refuses a new sweep with any but the chosen one).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SweepCalibration? Calibration
    {
        get => _calibration ?? (SweepPredictions.BudgetCalibration(this) is { } chosen ? SweepCalibration.Of(chosen) : null);
        init => _calibration = value;
    }

    /// <summary>Ground-truth settings, or null when the sweep trains nothing.</summary>
    public GroundTruthSettings? GroundTruth { get; init; }

    /// <summary>The shard this directory holds, or null for the whole grid. Ignored by equality.</summary>
    public SweepShard? Shard { get; init; }

    /// <summary>Number of configurations in the whole grid (all shards).</summary>
    [JsonIgnore]
    public int GridSize => SigmaW2.Length * SigmaB2.Length;

    /// <summary>The whole grid in its canonical order: σ_b² outer, σ_w² inner, both ascending (the order rows are written in).</summary>
    public IReadOnlyList<SweepConfiguration> Grid() => SweepGrid.Configurations(SigmaW2, SigmaB2, Seed);

    /// <summary>The configurations of <see cref="Shard"/> (all of them without a shard), in grid order.</summary>
    public IReadOnlyList<SweepConfiguration> ShardConfigurations()
        => Shard is null ? Grid() : [.. Grid().Where(c => Shard.Contains(c.Index))];

    /// <summary>Serialises to settings.json text (camelCase, indented, '\n' line ends, trailing newline).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions) + "\n";

    /// <summary>Reads settings.json text.</summary>
    /// <exception cref="JsonException">Not a settings document.</exception>
    public static SweepSettings FromJson(string json)
        => JsonSerializer.Deserialize<SweepSettings>(json, JsonOptions) ?? throw new JsonException("settings.json holds null, not sweep settings.");

    /// <summary>Reads <c>settings.json</c> from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">No settings.json there.</exception>
    /// <exception cref="InvalidDataException">The file is not valid sweep settings, or has another format version.</exception>
    public static SweepSettings Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: not found; '{directory}' is not a sweep results directory.", path);
        }
        SweepSettings settings;
        try
        {
            settings = FromJson(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid sweep settings: {ex.Message}", ex);
        }
        if (settings.FormatVersion != CurrentFormatVersion)
        {
            throw new InvalidDataException($"{path}: format version {settings.FormatVersion}; this version of Entropy.MLNet reads version {CurrentFormatVersion}.");
        }
        if (settings.SigmaW2 is null || settings.SigmaB2 is null || settings.Dataset is null)
        {
            throw new InvalidDataException($"{path}: sigmaW2, sigmaB2 and dataset are required.");
        }
        return settings;
    }

    /// <summary>Checks the grid and the numbers before any work; messages name the setting.</summary>
    /// <exception cref="ArgumentException">An empty or unsorted grid, σ_w² ≤ 0, σ_b² &lt; 0, depth &lt; 2, or another invalid number.</exception>
    public void Validate()
    {
        CheckGrid(SigmaW2, nameof(SigmaW2), "σ_w²", v => v > 0, "above 0");
        CheckGrid(SigmaB2, nameof(SigmaB2), "σ_b²", v => v >= 0, "at least 0");
        if (MaxDepth < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, $"Depth must be at least 2; got {MaxDepth}.");
        }
        if (string.IsNullOrWhiteSpace(Dataset))
        {
            throw new ArgumentException("Dataset must be given.", nameof(Dataset));
        }
        if (Epochs < 1 || BatchSize < 1 || EntropySamples < 2 || TrainSamples is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), "Epochs and batch size must be at least 1, entropy samples at least 2 and train samples (when given) at least 1.");
        }
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate) || !(CutoffTolerance >= 0) || !double.IsFinite(CutoffTolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), "The learning rate must be finite and above 0 and the cutoff tolerance finite and at least 0.");
        }
        Shard?.Validate();
        if (Mode is not (FaithfulMode or AdaptiveMode or LeastSquaresMode))
        {
            throw new ArgumentException($"The mode must be '{FaithfulMode}', '{AdaptiveMode}' or '{LeastSquaresMode}'; got '{Mode}'.", nameof(Mode));
        }
        if (Mode != FaithfulMode && Architecture is not null && Architecture != Architectures.ArchitectureCatalog.MlpName)
        {
            throw new ArgumentException($"The {Mode} mode exists for the MLP only; sweep a {Architecture} faithfully.", nameof(Mode));
        }
        if (Architecture is not null)
        {
            _ = Architectures.ArchitectureCatalog.Get(Architecture);
            if (GroundTruth is not null && Architecture != Architectures.ArchitectureCatalog.MlpName)
            {
                throw new ArgumentException($"Ground truth in a sweep trains MLPs only; measure a {Architecture}'s with 'entropy groundtruth --architecture {Architecture}' (one network: 'entropy train --architecture {Architecture}').", nameof(GroundTruth));
            }
        }
        // A calibration holds for the probe budget it was fitted on: a new sweep cannot choose another one.
        Prediction.TrainabilityCalibration? chosen = SweepPredictions.BudgetCalibration(this);
        if (!Equals(Calibration, chosen is null ? null : SweepCalibration.Of(chosen)))
        {
            throw new ArgumentException(
                $"The calibration {Calibration?.ToString() ?? "(none)"} is not the one this version of Entropy.MLNet uses for this probe budget and network family ({(chosen is null ? "none" : $"'{chosen.Name}'")}); leave Calibration unset.", nameof(Calibration));
        }
        if (GroundTruth is { } gt)
        {
            if (gt.Epochs < 1 || gt.BatchSize < 1 || gt.TrainSamples is < 1 || gt.StaircaseStep < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(GroundTruth), $"Ground truth: epochs, batch size, staircase step and train samples must be at least 1; got {gt.Epochs}, {gt.BatchSize}, {gt.StaircaseStep} and {gt.TrainSamples}.");
            }
            if (!(gt.Threshold > 0 && gt.Threshold <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(GroundTruth), gt.Threshold, $"Ground truth: the accuracy threshold must be in (0, 1]; got {gt.Threshold}.");
            }
            if (!(gt.LearningRate > 0) || !double.IsFinite(gt.LearningRate))
            {
                throw new ArgumentOutOfRangeException(nameof(GroundTruth), gt.LearningRate, $"Ground truth: the learning rate must be finite and above 0; got {gt.LearningRate}.");
            }
            _ = Training.GroundTruthOptions.ParseOptimizer(gt.Optimizer);
            _ = Training.TrainableDepthSearch.ParseMethod(gt.Search);
        }
    }

    /// <summary>A grid must be non-empty, finite, within its bound and strictly ascending (shared with the ground-truth settings).</summary>
    internal static void CheckGrid(double[] values, string name, string symbol, Func<double, bool> valid, string bound)
    {
        if (values is null || values.Length == 0)
        {
            throw new ArgumentException($"The {symbol} grid is empty.", name);
        }
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v) || !valid(v))
            {
                throw new ArgumentOutOfRangeException(name, v, $"Every {symbol} must be a finite number {bound}; got {v.ToString("R", CultureInfo.InvariantCulture)}.");
            }
            if (i > 0 && !(v > values[i - 1]))
            {
                throw new ArgumentException($"The {symbol} grid must be ascending without duplicates; {v.ToString("R", CultureInfo.InvariantCulture)} follows {values[i - 1].ToString("R", CultureInfo.InvariantCulture)}.", name);
            }
        }
    }

    /// <summary>
    /// The settings that differ from <paramref name="other"/> (shard ignored), each as "name (this vs other)" with
    /// JSON values; empty when the two describe the same sweep.
    /// </summary>
    public IReadOnlyList<string> Differences(SweepSettings other)
    {
        ArgumentNullException.ThrowIfNull(other);
        JsonObject a = ComparableNode(this);
        JsonObject b = ComparableNode(other);
        var differences = new List<string>();
        foreach (string key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
        {
            a.TryGetPropertyValue(key, out JsonNode? x);
            b.TryGetPropertyValue(key, out JsonNode? y);
            if (!JsonNode.DeepEquals(x, y))
            {
                differences.Add(key == CalibrationKey
                    ? $"{key} ({CalibrationText(x)} vs {CalibrationText(y)})"
                    : string.Create(CultureInfo.InvariantCulture, $"{key} ({Short(x)} vs {Short(y)})"));
            }
        }
        return differences;
    }

    /// <inheritdoc/>
    public bool Equals(SweepSettings? other) => other is not null && (ReferenceEquals(this, other) || Differences(other).Count == 0);

    /// <inheritdoc/>
    public override int GetHashCode() => ComparableNode(this).ToJsonString(JsonOptions).GetHashCode(StringComparison.Ordinal);

    private static JsonObject ComparableNode(SweepSettings settings)
    {
        var node = JsonSerializer.SerializeToNode(settings with { Shard = null }, JsonOptions)!.AsObject();
        node.Remove("shard");
        return node;
    }

    private const string CalibrationKey = "calibration";

    // A calibration differs in its name or its provenance, which the shortened JSON would cut off.
    private static string CalibrationText(JsonNode? node)
    {
        SweepCalibration? calibration = node?.Deserialize<SweepCalibration>(JsonOptions);
        return calibration?.ToString() ?? "none";
    }

    private static string Short(JsonNode? node)
    {
        string text = node is null ? "null" : node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        var sb = new StringBuilder(text.Length > 60 ? text[..57] + "..." : text);
        return sb.ToString();
    }
}
