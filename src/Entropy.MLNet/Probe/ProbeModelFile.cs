using System.Text;
using System.Text.Json;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>
/// The file format of a <see cref="ProbeModel"/>: the format name and version, a JSON descriptor (the architecture, the
/// options, the image shape and the layout), then the weights the architecture writes. Reading checks every size the
/// descriptor declares (through the architecture, which alone knows how many weights its layout needs) before any
/// tensor is allocated.
/// </summary>
internal static class ProbeModelFile
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/>, which stays open.</summary>
    public static void Save(ProbeModel model, Stream stream)
    {
        ProbeNetwork network = model.Network;
        ProbeOptions options = model.Options;
        var descriptor = new ModelDescriptor
        {
            Format = ProbeModel.FormatName,
            Version = ProbeModel.FormatVersion,
            Architecture = network.Architecture.Name,
            Channels = options.Channels,
            Info = model.Info,
            SigmaW2 = options.SigmaW2,
            SigmaB2 = options.SigmaB2,
            Depth = options.Depth,
            Width = options.Width.ToString(),
            Activation = options.Activation.Name,
            LayerSizes = [.. network.LayerSizes],
            TanhOutputs = [.. network.Layout.DecoderTanhOutputs],
            Seed = options.Seed,
            TrainSamples = options.TrainSamples,
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            EntropySamples = options.EntropySamples,
            ReconstructionImages = options.ReconstructionImages,
            CutoffTolerance = options.CutoffTolerance,
            ExcludedLastLayers = options.ExcludedLastLayers,
            Mode = options.Mode.ToName(),
        };
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(ProbeModel.FormatName);
        writer.Write(ProbeModel.FormatVersion);
        writer.Write(JsonSerializer.Serialize(descriptor, ProbeResult.JsonOptions));
        network.SaveWeights(writer);
        writer.Flush();
    }

    /// <summary>
    /// Reads a model; when <paramref name="expectedLayerSizes"/> is given (the layout an outer descriptor declares), the
    /// model's own layer sizes must equal it before anything is built.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a probe model of a supported version, or an inconsistent descriptor.</exception>
    public static ProbeModel Load(Stream stream, DeviceKind device, Activation? customActivation, IReadOnlyList<int>? expectedLayerSizes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        ModelDescriptor descriptor;
        try
        {
            string format = reader.ReadString();
            if (format != ProbeModel.FormatName)
            {
                throw new InvalidDataException($"Not a probe model: the stream starts with '{Truncate(format)}', expected '{ProbeModel.FormatName}'.");
            }
            int version = reader.ReadInt32();
            if (version != ProbeModel.FormatVersion)
            {
                throw new InvalidDataException($"Probe model format version {version} is not supported (this library reads version {ProbeModel.FormatVersion}).");
            }
            descriptor = JsonSerializer.Deserialize<ModelDescriptor>(reader.ReadString(), ProbeResult.JsonOptions)
                ?? throw new InvalidDataException("The probe model's descriptor is empty.");
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The probe model is truncated (the descriptor is incomplete).", ex);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The probe model's descriptor is not valid JSON: {ex.Message}", ex);
        }
        Architecture architecture;
        Activation activation;
        NetworkWidth width;
        try
        {
            // Models written before the seam name no architecture: they are MLPs.
            architecture = ArchitectureCatalog.Get(descriptor.Architecture ?? ArchitectureCatalog.MlpName);
            activation = customActivation is not null && customActivation.Name == descriptor.Activation
                ? customActivation
                : Activation.Parse(descriptor.Activation);
            width = NetworkWidth.Parse(descriptor.Width);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"The probe model's descriptor is invalid: {ex.Message}", ex);
        }
        var options = new ProbeOptions
        {
            Architecture = architecture.Name,
            Channels = descriptor.Channels,
            SigmaW2 = descriptor.SigmaW2,
            SigmaB2 = descriptor.SigmaB2,
            Depth = descriptor.Depth,
            Width = width,
            Activation = activation,
            Seed = descriptor.Seed,
            TrainSamples = descriptor.TrainSamples,
            Epochs = descriptor.Epochs,
            BatchSize = descriptor.BatchSize,
            LearningRate = descriptor.LearningRate,
            EntropySamples = descriptor.EntropySamples,
            ReconstructionImages = descriptor.ReconstructionImages,
            CutoffTolerance = descriptor.CutoffTolerance,
            ExcludedLastLayers = descriptor.ExcludedLastLayers,
            Mode = ProbeModeNames.Parse(descriptor.Mode)
                ?? throw new InvalidDataException($"The probe model's descriptor names an unknown mode '{descriptor.Mode}'."),
            Device = device,
        };
        NetworkDescription description = options.ToNetworkDescription();
        NetworkLayout layout = CheckDescriptor(descriptor, architecture, description, expectedLayerSizes, stream);
        Device target = TorchRuntime.ResolveDevice(device);
        ProbeNetwork? network = null;
        try
        {
            network = architecture.Create(description, layout, descriptor.Seed, target);
            network.LoadWeights(reader);
            return new ProbeModel(network, options, descriptor.Info!);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or InvalidOperationException)
        {
            network?.Dispose();
            throw new InvalidDataException($"The probe model's weights could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>Checks every field that decides an allocation or an array length, before anything is built; returns the layout.</summary>
    private static NetworkLayout CheckDescriptor(ModelDescriptor descriptor, Architecture architecture, NetworkDescription description,
        IReadOnlyList<int>? expected, Stream stream)
    {
        if (descriptor.Format != ProbeModel.FormatName || descriptor.Version != ProbeModel.FormatVersion)
        {
            throw new InvalidDataException(
                $"The probe model's descriptor names format '{Truncate(descriptor.Format ?? "")}' version {descriptor.Version}; this library reads '{ProbeModel.FormatName}' version {ProbeModel.FormatVersion}.");
        }
        int[] sizes = descriptor.LayerSizes ?? throw new InvalidDataException("The probe model's descriptor has no layer sizes.");
        if (sizes.Length < 3 || sizes.Length - 1 > ProbeModel.MaxLoadedLayers || sizes.Any(n => n < 1))
        {
            throw new InvalidDataException(
                $"The probe model's descriptor has {sizes.Length} layer sizes{(sizes.Any(n => n < 1) ? ", some below 1" : "")}; a model has 3 to {ProbeModel.MaxLoadedLayers + 1} sizes of at least 1.");
        }
        if (expected is not null && !sizes.AsSpan().SequenceEqual(expected.ToArray()))
        {
            throw new InvalidDataException(
                $"The probe model's own layer sizes [{Describe(sizes)}] differ from the architecture declared outside it [{Describe(expected)}].");
        }
        if (descriptor.TanhOutputs is null || descriptor.TanhOutputs.Length != sizes.Length - 1)
        {
            throw new InvalidDataException($"The probe model's descriptor needs one decoder output flag per layer ({sizes.Length - 1}).");
        }
        if (descriptor.Info is not { } info || info.Channels < 1 || info.Height < 1 || info.Width < 1
            || (long)info.Channels * info.Height * info.Width != sizes[0])
        {
            throw new InvalidDataException($"The probe model's image shape does not match its input size {sizes[0]}.");
        }
        int layers = sizes.Length - 1;
        if (descriptor.ExcludedLastLayers < 0 || descriptor.ExcludedLastLayers >= layers
            || descriptor.EntropySamples < 0 || descriptor.ReconstructionImages < 0 || descriptor.ReconstructionImages > descriptor.EntropySamples)
        {
            throw new InvalidDataException(
                $"The probe model's descriptor is inconsistent: excluded last layers {descriptor.ExcludedLastLayers} of {layers}, entropy samples {descriptor.EntropySamples}, reconstruction images {descriptor.ReconstructionImages}.");
        }
        var input = new ImageShape(info.Channels, info.Height, info.Width);
        // The architecture alone knows how many weights its layout needs.
        long? bytes = architecture.ParameterBytes(description, input, sizes);
        if (bytes is not long need || need > ProbeModel.MaxModelBytes)
        {
            throw new InvalidDataException(
                $"The probe model's layer sizes [{Describe(sizes)}] need {(bytes is long b ? $"{b} bytes" : "more than 2^63 bytes")} of weights, over the limit of {ProbeModel.MaxModelBytes} bytes.");
        }
        if (stream.CanSeek && stream.Length - stream.Position < need)
        {
            throw new InvalidDataException(
                $"The probe model's layer sizes [{Describe(sizes)}] need {need} bytes of weights but only {stream.Length - stream.Position} bytes follow the descriptor.");
        }
        return architecture.SavedLayout(description, input, sizes, descriptor.TanhOutputs);
    }

    private static string Describe(IReadOnlyList<int> sizes) =>
        sizes.Count <= 8 ? string.Join(", ", sizes) : $"{string.Join(", ", sizes.Take(4))}, … ({sizes.Count} sizes) …, {sizes[^1]}";

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private sealed record ModelDescriptor
    {
        public string? Format { get; init; }

        public int Version { get; init; }

        public string? Architecture { get; init; }

        public int? Channels { get; init; }

        public ProbeModel.ModelInfo? Info { get; init; }

        public double SigmaW2 { get; init; }

        public double SigmaB2 { get; init; }

        public int Depth { get; init; }

        public string Width { get; init; } = "wide";

        public string Activation { get; init; } = "tanh";

        public int[]? LayerSizes { get; init; }

        public bool[]? TanhOutputs { get; init; }

        public int Seed { get; init; }

        public int? TrainSamples { get; init; }

        public int Epochs { get; init; }

        public int BatchSize { get; init; }

        public double LearningRate { get; init; }

        public int EntropySamples { get; init; }

        public int ReconstructionImages { get; init; }

        public double CutoffTolerance { get; init; }

        public int ExcludedLastLayers { get; init; }

        /// <summary>The probe mode (<see cref="ProbeModeNames.ToName"/>); absent for the faithful default and in files written before modes.</summary>
        public string? Mode { get; init; }
    }
}
