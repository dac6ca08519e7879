using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Entropy.MLNet.Training;
using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// Everything that fixes the numbers of a ground-truth set (docs/ground-truth.md): dataset, network, the σ_w² × σ_b²
/// grid, the training protocol, the depth search and the seed — stored as <c>groundtruth.json</c> in the set's
/// directory. Two directories hold "the same set" iff these are equal except <see cref="Shard"/>.
/// </summary>
public sealed record GroundTruthSetSettings
{
    /// <summary>The version of the directory format this code writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The file name inside a ground-truth directory.</summary>
    public const string FileName = "groundtruth.json";

    /// <summary>Format version of the directory (1).</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Dataset name, e.g. <c>mnist</c>.</summary>
    public required string Dataset { get; init; }

    /// <summary>Where the data came from: <c>embedded</c>, <c>generated</c> or <c>files</c>.</summary>
    public required string DatasetSource { get; init; }

    /// <summary>The σ_w² grid values, ascending.</summary>
    public required double[] SigmaW2 { get; init; }

    /// <summary>The σ_b² grid values, ascending.</summary>
    public double[] SigmaB2 { get; init; } = [ProbeDefaults.MlpSigmaB2];

    /// <summary>Width rule as <see cref="Networks.NetworkWidth.Parse"/> reads it, e.g. <c>128</c>.</summary>
    public string Width { get; init; } = "128";

    /// <summary>Activation name, e.g. <c>tanh</c>.</summary>
    public string Activation { get; init; } = "tanh";

    /// <summary>
    /// The architecture family (<c>cnn</c>, <c>resnet</c>); null for the MLP, and not written then, so that an MLP set's
    /// groundtruth.json is as before families existed. A convolutional set's <see cref="Width"/> is <c>wide</c> (unused).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Architecture { get; init; }

    /// <summary>Channels per layer of a convolutional family (null: the family's default); null (not written) for the MLP.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Channels { get; init; }

    /// <summary>The family's name: <see cref="Architecture"/>, or <c>mlp</c>.</summary>
    [JsonIgnore]
    public string Family => Architecture ?? Architectures.ArchitectureCatalog.MlpName;

    /// <summary>The channels a convolutional set's networks have (given or the family's default); null for the MLP.</summary>
    [JsonIgnore]
    public int? EffectiveChannels => Architectures.ArchitectureCatalog.Get(Family) is Architectures.Convolutional.ConvolutionalArchitecture conv
        ? Channels ?? conv.DefaultChannels : null;

    /// <summary>Optimizer: <c>sgd</c> or <c>adam</c>.</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>Learning rate.</summary>
    public double LearningRate { get; init; } = GroundTruthProtocol.LearningRate;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = GroundTruthProtocol.BatchSize;

    /// <summary>Budget in SGD steps.</summary>
    public int Steps { get; init; } = GroundTruthProtocol.DefaultSteps;

    /// <summary>Steps between test evaluations (training stops at the first that reaches the threshold).</summary>
    public int EvaluateEvery { get; init; } = GroundTruthProtocol.EvaluateEvery;

    /// <summary>Test accuracy that counts as trained.</summary>
    public required double Threshold { get; init; }

    /// <summary>Training images (a subset drawn from each training's seed); null = all.</summary>
    public int? TrainSamples { get; init; } = GroundTruthProtocol.TrainSamples;

    /// <summary>Test images (the first N of the test set); null = all.</summary>
    public int? TestSamples { get; init; } = GroundTruthProtocol.TestSamples;

    /// <summary>The shallowest depth searched.</summary>
    public int MinDepth { get; init; } = GroundTruthProtocol.MinDepth;

    /// <summary>The deepest depth searched (the cap).</summary>
    public int MaxDepth { get; init; } = GroundTruthProtocol.MaxDepth;

    /// <summary><c>bisection</c> (assumes monotonicity in depth) or <c>scan</c> (every <see cref="ScanStep"/>-th depth, to check it).</summary>
    public string Search { get; init; } = "bisection";

    /// <summary>Depth step of a scan: depths max, max − step, … down to min (min always included).</summary>
    public int ScanStep { get; init; } = 5;

    /// <summary>The set's seed; each training's seed is derived from it, the configuration and the depth (<see cref="SweepSeeds.GroundTruth"/>).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The shard this directory holds, or null for the whole grid. Ignored by equality.</summary>
    public SweepShard? Shard { get; init; }

    /// <summary>
    /// The most bytes a CSV of this set can hold: one row per depth searched (a scan's most) for every configuration,
    /// plus a header, at 512 bytes a row. A larger file does not belong to the set and is refused before it is read.
    /// </summary>
    internal long MaxCsvBytes => ((long)Grid().Count * (MaxDepth - MinDepth + 2) + 2) * SweepResults.MaxRowBytes;

    /// <summary>The whole grid in canonical order (σ_b² outer, σ_w² inner, both ascending); the seed field is unused (0).</summary>
    public IReadOnlyList<SweepConfiguration> Grid()
    {
        var grid = new List<SweepConfiguration>(SigmaW2.Length * SigmaB2.Length);
        foreach (double sb in SigmaB2.Order())
        {
            foreach (double sw in SigmaW2.Order())
            {
                grid.Add(new SweepConfiguration(grid.Count, sw, sb, 0));
            }
        }
        return grid;
    }

    /// <summary>The configurations of <see cref="Shard"/> (all without a shard), in grid order.</summary>
    public IReadOnlyList<SweepConfiguration> ShardConfigurations()
        => Shard is null ? Grid() : [.. Grid().Where(c => Shard.Contains(c.Index))];

    /// <summary>The depths a scan trains, deepest first: max, max − step, … while ≥ min, then min.</summary>
    public IReadOnlyList<int> ScanDepths()
    {
        var depths = new List<int>();
        for (int d = MaxDepth; d >= MinDepth; d -= ScanStep)
        {
            depths.Add(d);
        }
        if (depths.Count == 0 || depths[^1] != MinDepth)
        {
            depths.Add(MinDepth);
        }
        return depths;
    }

    /// <summary>The training options of one network of this set.</summary>
    public GroundTruthOptions ToOptions(double sigmaW2, double sigmaB2, int depth) => new()
    {
        SigmaW2 = sigmaW2,
        SigmaB2 = sigmaB2,
        Depth = depth,
        Width = Networks.NetworkWidth.Parse(Width),
        Activation = Networks.Activation.Parse(Activation),
        Optimizer = GroundTruthOptions.ParseOptimizer(Optimizer),
        LearningRate = LearningRate,
        BatchSize = BatchSize,
        Steps = Steps,
        EvaluateEvery = EvaluateEvery,
        Threshold = Threshold,
        TrainSamples = TrainSamples,
        TestSamples = TestSamples,
        Seed = SweepSeeds.GroundTruth(Seed, sigmaW2, sigmaB2, depth),
    };

    /// <summary>Checks the grid and the numbers before any work; messages name the setting.</summary>
    /// <exception cref="ArgumentException">An invalid value.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Dataset))
        {
            throw new ArgumentException("Dataset must be given.", nameof(Dataset));
        }
        SweepSettings.CheckGrid(SigmaW2, nameof(SigmaW2), "σ_w²", v => v > 0, "above 0");
        SweepSettings.CheckGrid(SigmaB2, nameof(SigmaB2), "σ_b²", v => v >= 0, "at least 0");
        if (MinDepth < TrainableDepthSearch.MinimumDepth || MaxDepth < MinDepth)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, $"Depths must satisfy {TrainableDepthSearch.MinimumDepth} ≤ min ({MinDepth}) ≤ max ({MaxDepth}).");
        }
        if (Steps < 1 || EvaluateEvery < 1 || BatchSize < 1 || TrainSamples is < 1 || TestSamples is < 1 || ScanStep < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), "Steps, evaluate-every, batch size, scan step and sample counts must be at least 1.");
        }
        if (!(Threshold > 0 && Threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, $"The threshold must be an accuracy in (0, 1]; got {Threshold.ToString(CultureInfo.InvariantCulture)}.");
        }
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be finite and above 0.");
        }
        if (Search is not ("bisection" or "scan"))
        {
            throw new ArgumentException($"Unknown depth search '{Search}': use bisection or scan.", nameof(Search));
        }
        _ = GroundTruthOptions.ParseOptimizer(Optimizer);
        _ = Networks.NetworkWidth.Parse(Width);
        if (Architectures.ArchitectureCatalog.Get(Family) is Architectures.Convolutional.ConvolutionalArchitecture)
        {
            if (Networks.NetworkWidth.Parse(Width).ToString() != Networks.NetworkWidth.Wide.ToString())
            {
                throw new ArgumentException($"Width applies to the MLP, not '{Family}' (use Channels; set Width to 'wide'); got '{Width}'.", nameof(Width));
            }
            if (Channels is < 1 or > Architectures.Convolutional.ConvolutionalSpec.MaxChannels)
            {
                throw new ArgumentOutOfRangeException(nameof(Channels), Channels, $"Channels must be in 1..{Architectures.Convolutional.ConvolutionalSpec.MaxChannels}.");
            }
        }
        else if (Channels is not null)
        {
            throw new ArgumentException($"Channels apply to cnn and resnet, not '{Family}'.", nameof(Channels));
        }
        _ = Networks.Activation.Parse(Activation);
        Shard?.Validate();
    }

    /// <summary>Serialises to groundtruth.json text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SweepSettings.JsonOptions) + "\n";

    /// <summary>Reads <c>groundtruth.json</c> from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">No groundtruth.json there.</exception>
    /// <exception cref="InvalidDataException">Not valid settings, or another format version.</exception>
    public static GroundTruthSetSettings Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: not found; '{directory}' is not a ground-truth directory.", path);
        }
        GroundTruthSetSettings? settings;
        try
        {
            settings = JsonSerializer.Deserialize<GroundTruthSetSettings>(File.ReadAllText(path), SweepSettings.JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid ground-truth settings: {ex.Message}", ex);
        }
        if (settings is null || settings.SigmaW2 is null || settings.SigmaB2 is null || settings.Dataset is null)
        {
            throw new InvalidDataException($"{path}: dataset, sigmaW2 and sigmaB2 are required.");
        }
        if (settings.FormatVersion != CurrentFormatVersion)
        {
            throw new InvalidDataException($"{path}: format version {settings.FormatVersion}; this version of Entropy.MLNet reads version {CurrentFormatVersion}.");
        }
        if (!Architectures.ArchitectureCatalog.All.Any(a => a.Name == settings.Family))
        {
            throw new InvalidDataException($"{path}: unknown architecture '{settings.Family}'; expected one of: {string.Join(", ", Architectures.ArchitectureCatalog.All.Select(a => a.Name))}.");
        }
        return settings;
    }

    /// <summary>The settings that differ from <paramref name="other"/> (shard ignored), as "name (this vs other)".</summary>
    public IReadOnlyList<string> Differences(GroundTruthSetSettings other)
    {
        ArgumentNullException.ThrowIfNull(other);
        JsonObject a = Comparable(this);
        JsonObject b = Comparable(other);
        var differences = new List<string>();
        foreach (string key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
        {
            a.TryGetPropertyValue(key, out JsonNode? x);
            b.TryGetPropertyValue(key, out JsonNode? y);
            if (!JsonNode.DeepEquals(x, y))
            {
                differences.Add($"{key} ({x?.ToJsonString() ?? "null"} vs {y?.ToJsonString() ?? "null"})");
            }
        }
        return differences;
    }

    /// <inheritdoc/>
    public bool Equals(GroundTruthSetSettings? other) => other is not null && (ReferenceEquals(this, other) || Differences(other).Count == 0);

    /// <inheritdoc/>
    public override int GetHashCode() => Comparable(this).ToJsonString().GetHashCode(StringComparison.Ordinal);

    private static JsonObject Comparable(GroundTruthSetSettings settings)
    {
        var node = JsonSerializer.SerializeToNode(settings with { Shard = null }, SweepSettings.JsonOptions)!.AsObject();
        node.Remove("shard");
        return node;
    }
}
