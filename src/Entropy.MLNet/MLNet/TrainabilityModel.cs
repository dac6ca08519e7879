using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Data;
using Entropy.MLNet.Probe;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Entropy.MLNet.MLNet;

/// <summary>
/// One-file persistence for ML.NET models that contain Entropy.MLNet components (a plain <c>mlContext.Model.Save</c> of
/// such a model is refused: it cannot store their state). <see cref="Save(MLContext, ITransformer, DataViewSchema, string)"/>
/// (or the <see cref="Stream"/> overload) writes the model with <c>mlContext.Model.Save</c> and adds, under <c>Entropy.MLNet/</c> in the same .zip, a versioned
/// manifest, one architecture descriptor per component and its state (TorchSharp weights for a probe, the fitted table
/// for a sweep). <see cref="Load(MLContext, string, out DataViewSchema)"/> checks the whole archive first (a regular file;
/// every entry name stays inside the archive; sizes are capped before anything is allocated, each probe's weights at what
/// its declared architecture needs and all of them together at <see cref="MaxTotalWeightsBytes"/>; the format version is
/// known; every listed entry exists and is listed once; the weights' own descriptor matches the declared architecture),
/// then stages the state for the mapping factories and calls <c>mlContext.Model.Load</c> on the same open file. Nothing is
/// ever extracted to disk. A bad file gives an <see cref="InvalidDataException"/> naming the file and the problem (the
/// root cause, where ML.NET wraps it). Limits: docs/reliability.md. The probes and sweeps come back as
/// <see cref="ReconstructionProbeTransformer"/> and <see cref="TrainabilitySweepTransformer"/> (dispose the loaded model
/// to free the weights).
/// </summary>
public static class TrainabilityModel
{
    /// <summary>The format name in the manifest.</summary>
    public const string FormatName = "entropy-mlnet-model";

    /// <summary>The manifest version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Folder of the extra entries inside the .zip.</summary>
    public const string EntryPrefix = "Entropy.MLNet/";

    /// <summary>Name of the manifest entry.</summary>
    public const string ManifestEntry = EntryPrefix + "manifest.json";

    /// <summary>Largest manifest, descriptor or sweep table accepted (1 MiB).</summary>
    public const long MaxDescriptorBytes = 1L << 20;

    /// <summary>Largest weights entry accepted (1 GiB); each probe's entry is also capped at what its architecture can need.</summary>
    public const long MaxWeightsBytes = ProbeModel.MaxModelBytes;

    /// <summary>Largest total size of the weights of all probes in one model file, from their declared architectures (2 GiB).</summary>
    public const long MaxTotalWeightsBytes = 2L << 30;

    /// <summary>Largest total uncompressed size of all entries accepted (2 GiB).</summary>
    public const long MaxArchiveBytes = 2L << 30;

    internal const string ProbeKind = "reconstruction-probe";
    internal const string SweepKind = "trainability-sweep";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    // Set while Save runs ML.NET's writer on this thread: the components refuse a save without it, which would lose their state.
    [ThreadStatic]
    private static bool t_saving;

    /// <summary>Saves <paramref name="model"/> (any chain) and the state of every Entropy.MLNet component in it to one .zip.</summary>
    /// <param name="context">The ML.NET context.</param>
    /// <param name="model">The fitted model: a single transformer or a chain.</param>
    /// <param name="inputSchema">Schema of the data the model takes.</param>
    /// <param name="path">The .zip to write (replaced when it exists; removed again when the save fails).</param>
    public static void Save(MLContext context, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(inputSchema);
        // Propagating the schema checks it and lets each component settle on the mapping it will save.
        model.GetOutputSchema(inputSchema);
        var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        try
        {
            using (file)
            {
                SaveCore(context, model, inputSchema, file);
            }
        }
        catch
        {
            // A refused or failed save leaves no half-written model behind.
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Saves <paramref name="model"/> and the state of its Entropy.MLNet components as one .zip into <paramref name="stream"/>.</summary>
    /// <param name="context">The ML.NET context.</param>
    /// <param name="model">The fitted model: a single transformer or a chain.</param>
    /// <param name="inputSchema">Schema of the data the model takes.</param>
    /// <param name="stream">A writable stream; the .zip is written from its current position (buffered in memory unless the stream is empty, seekable and readable). It stays open.</param>
    public static void Save(MLContext context, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream to save the model to is not writable.", nameof(stream));
        }
        model.GetOutputSchema(inputSchema);
        if (stream.CanSeek && stream.CanRead && stream.Length == 0)
        {
            SaveCore(context, model, inputSchema, stream);
            return;
        }
        using var buffer = new MemoryStream();
        SaveCore(context, model, inputSchema, buffer);
        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    /// <summary>
    /// Called by the components' <c>ICanSaveModel.Save</c>: outside <see cref="Save(MLContext, ITransformer, DataViewSchema, string)"/>
    /// (a plain <c>mlContext.Model.Save</c>) the file would lack the component's state and could never be loaded.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not called from inside <see cref="Save(MLContext, ITransformer, DataViewSchema, string)"/>.</exception>
    internal static void RefuseSaveWithoutState(string component, string state)
    {
        if (!t_saving)
        {
            throw new InvalidOperationException(
                $"mlContext.Model.Save cannot store the {state} of the {component} in this model; the file would not load. " +
                "Save the model with TrainabilityModel.Save(mlContext, model, inputSchema, path or stream) and load it with TrainabilityModel.Load.");
        }
    }

    private static void SaveCore(MLContext context, ITransformer model, DataViewSchema inputSchema, Stream target)
    {
        t_saving = true;
        try
        {
            context.Model.Save(model, inputSchema, target);
        }
        finally
        {
            t_saving = false;
        }
        var components = new List<ComponentEntry?>();
        var manifest = new Manifest { Format = FormatName, Version = FormatVersion, Components = components };
        using var zip = new ZipArchive(target, ZipArchiveMode.Update, leaveOpen: true);
        int index = 0;
        foreach (var component in Flatten(model))
        {
            string folder = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{EntryPrefix}{index:D3}/");
            switch (component)
            {
                case ReconstructionProbeTransformer probe:
                {
                    var descriptor = new ProbeDescriptor
                    {
                        Version = 1,
                        Architecture = probe.Model.Architecture,
                        Channels = probe.Model.Options.Channels,
                        InputSize = probe.Model.InputSize,
                        ImageShape = probe.Model.ImageShape,
                        LayerSizes = [.. probe.Model.Network.LayerSizes],
                        Activation = probe.Model.Options.Activation.Name,
                        SigmaW2 = probe.Model.Options.SigmaW2,
                        SigmaB2 = probe.Model.Options.SigmaB2,
                        CurveLength = probe.Model.CurveLength,
                        ReconstructionLayers = [.. probe.ReconstructionLayers],
                        InputColumnName = probe.InputColumnName,
                        OutputColumnName = probe.OutputColumnName,
                        ReconstructionColumnName = probe.ReconstructionColumnName,
                    };
                    Write(zip, folder + "descriptor.json", JsonSerializer.SerializeToUtf8Bytes(descriptor, Json));
                    using (var stream = zip.CreateEntry(folder + "weights.bin", CompressionLevel.Fastest).Open())
                    {
                        probe.Model.Save(stream);
                    }
                    components.Add(new ComponentEntry { Kind = ProbeKind, Contract = ProbeMapping.ContractName, Descriptor = folder + "descriptor.json", State = folder + "weights.bin" });
                    break;
                }
                case TrainabilitySweepTransformer sweep:
                {
                    Write(zip, folder + "descriptor.json", JsonSerializer.SerializeToUtf8Bytes(sweep.Table.Descriptor(), Json));
                    Write(zip, folder + "sweep.json", JsonSerializer.SerializeToUtf8Bytes(sweep.Table, Json));
                    components.Add(new ComponentEntry { Kind = SweepKind, Contract = sweep.ContractName, Descriptor = folder + "descriptor.json", State = folder + "sweep.json" });
                    break;
                }
                default:
                    continue;
            }
            index++;
        }
        Write(zip, ManifestEntry, JsonSerializer.SerializeToUtf8Bytes(manifest, Json));
    }

    /// <summary>Loads a model written by <see cref="Save(MLContext, ITransformer, DataViewSchema, string)"/> (also a plain ML.NET model without our components).</summary>
    /// <param name="context">The ML.NET context (its <c>GpuDeviceId</c>/<c>FallbackToCpu</c> choose the device of loaded probes).</param>
    /// <param name="path">The .zip.</param>
    /// <param name="inputSchema">The schema the model expects.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid model (truncated, missing or oversized entry, unknown version, entry path leaving the archive, bad weights).</exception>
    public static ITransformer Load(MLContext context, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }
        using var file = OpenRegularFile(path);
        return LoadCore(context, file, path, out inputSchema);
    }

    /// <summary>Loads a model written by <see cref="Save(MLContext, ITransformer, DataViewSchema, Stream)"/> from a stream (read from its current position; it stays open).</summary>
    /// <param name="context">The ML.NET context (its <c>GpuDeviceId</c>/<c>FallbackToCpu</c> choose the device of loaded probes).</param>
    /// <param name="stream">A readable stream; one that cannot seek, or is not at its start, is first copied into memory (at most <see cref="MaxArchiveBytes"/> bytes).</param>
    /// <param name="inputSchema">The schema the model expects.</param>
    /// <exception cref="InvalidDataException">The stream does not hold a valid model (messages name it "(stream)").</exception>
    public static ITransformer Load(MLContext context, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream to load the model from is not readable.", nameof(stream));
        }
        const string name = "(stream)";
        if (stream.CanSeek && stream.Position == 0)
        {
            return LoadCore(context, stream, name, out inputSchema);
        }
        using var copy = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            if (copy.Length + n > MaxArchiveBytes)
            {
                throw Bad(name, $"longer than the limit of {MaxArchiveBytes} bytes.");
            }
            copy.Write(chunk, 0, n);
        }
        copy.Position = 0;
        return LoadCore(context, copy, name, out inputSchema);
    }

    /// <summary>The load proper; <paramref name="path"/> only names the source in messages.</summary>
    private static ITransformer LoadCore(MLContext context, Stream source, string path, out DataViewSchema inputSchema)
    {
        var staged = new List<(string Contract, object State)>();
        string? manifestProblem = null;
        try
        {
            using (var zip = OpenArchive(source, path))
            {
                CheckEntries(zip, path);
                if (zip.GetEntry(ManifestEntry) is not { } manifestEntry)
                {
                    manifestProblem = $"entry '{ManifestEntry}' is missing";
                }
                else
                {
                    var manifest = Deserialize<Manifest>(ReadCapped(manifestEntry, MaxDescriptorBytes, path), ManifestEntry, path);
                    List<ComponentEntry> components = CheckManifest(manifest, path);
                    if (components.Count == 0)
                    {
                        manifestProblem = $"entry '{ManifestEntry}' lists no components";
                    }
                    var env = new MLContextEnvironment(context, "TrainabilityModel");
                    long weights = 0;
                    foreach (var component in components)
                    {
                        staged.Add((component.Contract ?? "", ReadComponent(zip, component, path, env, ref weights)));
                    }
                }
            }
            lock (StagedArtifacts.LoadGate)
            {
                StagedArtifacts.Clear();
                foreach (var (contract, state) in staged)
                {
                    StagedArtifacts.Stage(contract, state);
                }
                try
                {
                    // The stream already checked, not the path again: the file cannot be swapped in between.
                    source.Position = 0;
                    ITransformer model = context.Model.Load(source, out inputSchema);
                    if (StagedArtifacts.Count > 0)
                    {
                        (model as IDisposable)?.Dispose();
                        throw Bad(path, $"entry '{ManifestEntry}' lists {StagedArtifacts.Count} component(s) more than the model holds.");
                    }
                    return WithTypedComponents(context, model, new Queue<object>(staged.Select(s => s.State)));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException and not InvalidDataException)
                {
                    // ML.NET wraps a mapping factory's failure in reflection exceptions; report the root cause.
                    string cause = RootCause(ex).Message;
                    throw Bad(path, manifestProblem is null
                        ? $"ML.NET could not load the model: {cause}"
                        : $"{manifestProblem}, and ML.NET could not load the model without it: {cause}", ex);
                }
                finally
                {
                    StagedArtifacts.Clear();
                }
            }
        }
        catch
        {
            foreach (var (_, state) in staged)
            {
                (state as ProbeMapping)?.Model.Dispose();
            }
            throw;
        }
    }

    /// <summary>The innermost exception, through ML.NET's and reflection's wrappers.</summary>
    internal static Exception RootCause(Exception ex)
    {
        Exception e = ex;
        while (e.InnerException is { } inner)
        {
            e = inner;
        }
        return e;
    }

    /// <summary>
    /// The model must be a regular file: a pipe or a device (an endless stream of zeros) reports no size, and a
    /// non-seekable stream would be copied into memory whole by <see cref="ZipArchive"/>.
    /// </summary>
    private static FileStream OpenRegularFile(string path)
    {
        var info = new FileInfo(path);
        if (info.Length == 0)
        {
            throw Bad(path, "empty, or not a regular file (a pipe or a device).");
        }
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw Bad(path, $"cannot be read: {ex.Message}", ex);
        }
        if (!file.CanSeek || file.Length != info.Length)
        {
            file.Dispose();
            throw Bad(path, "not a regular file (a pipe or a device).");
        }
        return file;
    }

    /// <summary>The manifest's format and version, and its components: no null list or entry, every entry listed at most once.</summary>
    private static List<ComponentEntry> CheckManifest(Manifest manifest, string path)
    {
        if (manifest.Format != FormatName)
        {
            throw Bad(path, $"entry '{ManifestEntry}' names format '{manifest.Format}', expected '{FormatName}'.");
        }
        if (manifest.Version != FormatVersion)
        {
            throw Bad(path, $"model format version {manifest.Version} is not supported (this library reads version {FormatVersion}).");
        }
        List<ComponentEntry?> components = manifest.Components
            ?? throw Bad(path, $"entry '{ManifestEntry}' has no 'components' list (null).");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ComponentEntry>(components.Count);
        for (int i = 0; i < components.Count; i++)
        {
            ComponentEntry component = components[i] ?? throw Bad(path, $"entry '{ManifestEntry}': component {i} is null.");
            foreach (string? name in new[] { component.Descriptor, component.State })
            {
                if (name is not null && !seen.Add(name))
                {
                    throw Bad(path, $"entry '{ManifestEntry}' lists entry '{name}' more than once (component {i}); each component may appear once.");
                }
            }
            result.Add(component);
        }
        return result;
    }

    private static object ReadComponent(ZipArchive zip, ComponentEntry component, string path, MLContextEnvironment env, ref long totalWeights)
    {
        string descriptorName = component.Descriptor ?? throw Bad(path, "a component in the manifest has no descriptor entry.");
        string stateName = component.State ?? throw Bad(path, "a component in the manifest has no state entry.");
        var descriptorEntry = zip.GetEntry(descriptorName) ?? throw Bad(path, $"entry '{descriptorName}' is missing.");
        var stateEntry = zip.GetEntry(stateName) ?? throw Bad(path, $"entry '{stateName}' is missing.");
        switch (component.Kind)
        {
            case ProbeKind when component.Contract == ProbeMapping.ContractName:
            {
                var descriptor = Deserialize<ProbeDescriptor>(ReadCapped(descriptorEntry, MaxDescriptorBytes, path), descriptorName, path);
                if (descriptor.Version != 1)
                {
                    throw Bad(path, $"probe descriptor version {descriptor.Version} in '{descriptorName}' is not supported (expected 1).");
                }
                // The weights' size follows from the architecture: refuse more than it can need before reading them.
                int[] sizes = descriptor.LayerSizes ?? throw Bad(path, $"'{descriptorName}' has no layer sizes.");
                if (sizes.Length < 3 || sizes.Length - 1 > ProbeModel.MaxLoadedLayers || sizes.Any(n => n < 1) || descriptor.InputSize != sizes[0])
                {
                    throw Bad(path, $"'{descriptorName}' declares {sizes.Length} layer sizes and input size {descriptor.InputSize}; a probe has 3 to {ProbeModel.MaxLoadedLayers + 1} sizes of at least 1, the first being the input size.");
                }
                long parameters = DeclaredParameterBytes(descriptor, sizes, descriptorName, path) is long p && p <= MaxWeightsBytes ? p
                    : throw Bad(path, $"'{descriptorName}' declares an architecture whose weights exceed the limit of {MaxWeightsBytes} bytes.");
                if (parameters > MaxTotalWeightsBytes - totalWeights)
                {
                    throw Bad(path, $"the probes' declared weights exceed the limit of {MaxTotalWeightsBytes} bytes for one model file (at '{descriptorName}').");
                }
                totalWeights += parameters;
                long cap = Math.Min(MaxWeightsBytes, parameters + (64L * 1024) + (sizes.Length * 4096L));
                byte[] weights = ReadCapped(stateEntry, cap, path);
                ProbeModel model;
                try
                {
                    using var stream = new MemoryStream(weights, writable: false);
                    model = ProbeModelFile.Load(stream, env.ResolveDevice(null), customActivation: null, expectedLayerSizes: sizes);
                }
                catch (InvalidDataException ex)
                {
                    throw Bad(path, $"entry '{stateName}': {ex.Message}", ex);
                }
                if (model.InputSize != descriptor.InputSize || !model.Network.LayerSizes.SequenceEqual(sizes))
                {
                    model.Dispose();
                    throw Bad(path, $"entry '{stateName}' does not match the architecture in '{descriptorName}'.");
                }
                int[] layers = descriptor.ReconstructionLayers ?? [];
                if (layers.Any(l => l < 1 || l > model.Network.Depth))
                {
                    model.Dispose();
                    throw Bad(path, $"'{descriptorName}' lists reconstruction layers outside 1..{model.Network.Depth}.");
                }
                return new ProbeMapping(model, layers) { Columns = ProbeColumns.From(descriptor.InputColumnName, descriptor.OutputColumnName, descriptor.ReconstructionColumnName) };
            }
            case SweepKind when component.Contract is SweepMapping.ContractName or SweepMapping.ContractNameWithActivation:
            {
                var table = Deserialize<SweepTable>(ReadCapped(stateEntry, MaxDescriptorBytes, path), stateName, path);
                try
                {
                    table.Check();
                }
                catch (InvalidDataException ex)
                {
                    throw Bad(path, $"entry '{stateName}': {ex.Message}", ex);
                }
                return new SweepMapping(table);
            }
            case SweepKind when component.Contract is SweepMapping.ContractNameV1 or SweepMapping.ContractNameWithActivationV1:
                throw Bad(path, $"the sweep in it was saved before 0.1.0 renamed its columns Score and PredictedTrainable to ProbeScore and PredictedLabel (contract '{component.Contract}'); fit the sweep (and predictor) again and save it with this version.");
            default:
                throw Bad(path, $"unknown component kind '{component.Kind}' with contract '{component.Contract}'.");
        }
    }

    private static ZipArchive OpenArchive(Stream source, string path)
    {
        try
        {
            return new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw Bad(path, $"not a readable .zip (truncated or corrupt): {ex.Message}", ex);
        }
    }

    /// <summary>Every entry name must stay inside the archive, and the declared sizes must be sane, before anything is read.</summary>
    private static void CheckEntries(ZipArchive zip, string path)
    {
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            string name = entry.FullName;
            string[] parts = name.Split('/', '\\');
            if (name.Length == 0 || name[0] is '/' or '\\' || Path.IsPathRooted(name) || name.Contains(':', StringComparison.Ordinal)
                || parts.Any(p => p == ".."))
            {
                throw Bad(path, $"entry '{name}' has a path that leaves the archive (absolute, a drive, or '..').");
            }
            total += entry.Length;
            if (entry.Length < 0 || total > MaxArchiveBytes)
            {
                throw Bad(path, $"the entries' total size exceeds the limit of {MaxArchiveBytes} bytes (at '{name}').");
            }
        }
    }

    /// <summary>Reads an entry fully, refusing (before allocating) one that declares more than <paramref name="cap"/> bytes, and stopping if it inflates beyond its declared size.</summary>
    private static byte[] ReadCapped(ZipArchiveEntry entry, long cap, string path)
    {
        if (entry.Length > cap)
        {
            throw Bad(path, $"entry '{entry.FullName}' is {entry.Length} bytes, over the limit of {cap} bytes for it.");
        }
        var buffer = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            int read = 0;
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                {
                    throw Bad(path, $"entry '{entry.FullName}' is truncated ({read} of {buffer.Length} bytes).");
                }
                read += n;
            }
            if (stream.ReadByte() >= 0)
            {
                throw Bad(path, $"entry '{entry.FullName}' holds more data than its declared {entry.Length} bytes.");
            }
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith("Model file", StringComparison.Ordinal))
        {
            throw Bad(path, $"entry '{entry.FullName}' is corrupt: {ex.Message}", ex);
        }
        return buffer;
    }

    private static T Deserialize<T>(byte[] bytes, string entry, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json) ?? throw Bad(path, $"entry '{entry}' is empty.");
        }
        catch (JsonException ex)
        {
            throw Bad(path, $"entry '{entry}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void Write(ZipArchive zip, string name, byte[] bytes)
    {
        zip.GetEntry(name)?.Delete();
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        stream.Write(bytes);
    }

    internal static IEnumerable<ITransformer> Flatten(ITransformer transformer) => transformer switch
    {
        ReconstructionProbeTransformer or TrainabilitySweepTransformer => [transformer],
        IEnumerable<ITransformer> chain => chain.SelectMany(Flatten),
        _ => [transformer],
    };

    /// <summary>
    /// ML.NET loads each component as the chain of CustomMappings it saved; put the typed transformers back (with their
    /// <c>Model</c>, <c>Table</c>, <c>ScoreBatched</c> and <c>Dispose</c>), in the order the states were staged.
    /// </summary>
    private static ITransformer WithTypedComponents(MLContext context, ITransformer loaded, Queue<object> states)
    {
        if (states.Count == 0)
        {
            return loaded;
        }
        switch (loaded)
        {
            case TransformerChain<ITransformer> chain when chain.Any(t => t is CustomMappingTransformer<ProbeMappingInput, ProbeMappingOutput>):
                return states.Dequeue() is ProbeMapping { Columns: { } columns } probe
                    ? ReconstructionProbeTransformer.Reloaded(chain, probe, columns)
                    : chain;
            case CustomMappingTransformer<SweepMappingInput, SweepMappingOutput> sweep:
                return TrainabilitySweepTransformer.Reloaded(context, (SweepMapping)states.Dequeue(), sweep, activation: false);
            case CustomMappingTransformer<SweepMappingInputWithActivation, SweepMappingOutput> sweep:
                return TrainabilitySweepTransformer.Reloaded(context, (SweepMapping)states.Dequeue(), sweep, activation: true);
            case TransformerChain<ITransformer> chain:
            {
                var parts = chain.ToList();
                var typed = parts.Select(t => WithTypedComponents(context, t, states)).ToList();
                if (typed.SequenceEqual(parts))
                {
                    return chain;
                }
                // Keep each transformer's scope (training, testing, scoring) as ML.NET loaded it.
                var scopes = parts.Select(_ => (TransformerScope)0).ToArray();
                foreach (var scope in new[] { TransformerScope.Training, TransformerScope.Testing, TransformerScope.Scoring })
                {
                    var members = chain.GetModelFor(scope).ToHashSet(ReferenceEqualityComparer.Instance);
                    for (int i = 0; i < parts.Count; i++)
                    {
                        scopes[i] |= members.Contains(parts[i]) ? scope : 0;
                    }
                }
                return new TransformerChain<ITransformer>(typed, scopes);
            }
            default:
                return loaded;
        }
    }

    private static InvalidDataException Bad(string path, string problem, Exception? inner = null) =>
        new($"Model file '{path}': {problem}", inner);

    private sealed class Manifest
    {
        public string? Format { get; set; }

        public int Version { get; set; }

        public List<ComponentEntry?>? Components { get; set; } = [];
    }

    private sealed class ComponentEntry
    {
        public string? Kind { get; set; }

        public string? Contract { get; set; }

        public string? Descriptor { get; set; }

        public string? State { get; set; }
    }

    /// <summary>The weights' bytes a probe descriptor declares, from its architecture (files without one hold an MLP).</summary>
    private static long? DeclaredParameterBytes(ProbeDescriptor descriptor, int[] sizes, string descriptorName, string path)
    {
        Architecture architecture;
        try
        {
            architecture = ArchitectureCatalog.Get(descriptor.Architecture ?? ArchitectureCatalog.MlpName);
        }
        catch (ArgumentException ex)
        {
            throw Bad(path, $"'{descriptorName}': {ex.Message}", ex);
        }
        int[] shape = descriptor.ImageShape is { Length: 3 } s && s.All(n => n > 0) ? s : [1, 1, sizes[0]];
        var network = new NetworkDescription { Architecture = architecture.Name, SigmaW2 = 1, Depth = sizes.Length - 1, Channels = descriptor.Channels };
        return architecture.ParameterBytes(network, new ImageShape(shape[0], shape[1], shape[2]), sizes);
    }

    private sealed class ProbeDescriptor
    {
        public int Version { get; set; }

        // Since the architecture seam; a file without them holds an MLP.
        public string? Architecture { get; set; }

        public int? Channels { get; set; }

        public int InputSize { get; set; }

        public int[]? ImageShape { get; set; }

        public int[]? LayerSizes { get; set; }

        public string? Activation { get; set; }

        public double SigmaW2 { get; set; }

        public double SigmaB2 { get; set; }

        public int CurveLength { get; set; }

        public int[]? ReconstructionLayers { get; set; }

        // Since 0.1.0; a file without them loads as ML.NET's plain chain.
        public string? InputColumnName { get; set; }

        public string? OutputColumnName { get; set; }

        public string? ReconstructionColumnName { get; set; }
    }
}
