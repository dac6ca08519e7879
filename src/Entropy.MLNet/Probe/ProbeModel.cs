using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>
/// A trained probe: the frozen deep network and its trained decoder cascade. <see cref="Evaluate"/> measures the
/// entropy curve and cutoff on held-out images; the batched methods serve ML.NET transformers (each call uses its own
/// dispose scope and inference mode, so concurrent callers are safe for reading); <see cref="Save"/>/<see cref="Load"/>
/// persist it. Dispose it to free the native memory.
/// </summary>
public sealed class ProbeModel : IDisposable
{
    /// <summary>The format name written at the start of a saved model.</summary>
    public const string FormatName = "entropy-mlnet-probe";

    /// <summary>The version of the saved format.</summary>
    public const int FormatVersion = 1;

    /// <summary>Largest model accepted by <see cref="Load(Stream, DeviceKind, Activation?)"/>: the float32 weights of the network and its decoders together (1 GiB).</summary>
    public const long MaxModelBytes = 1L << 30;

    /// <summary>Most linear layers a loaded model may have.</summary>
    public const int MaxLoadedLayers = 100_000;

    // Distinct streams of the private generator per purpose, so that e.g. changing the epochs keeps the test sample.
    internal const ulong TrainSubsetStream = 0x9E3779B97F4A7C15UL;
    internal const ulong ShuffleStream = 0xBF58476D1CE4E5B9UL;
    internal const ulong EntropySampleStream = 0x94D049BB133111EBUL;

    private bool _disposed;

    internal ProbeModel(DeepNetwork network, Cascade cascade, ProbeOptions options, Device device, ModelInfo info)
    {
        Network = network;
        Cascade = cascade;
        Options = options;
        Device = device;
        Info = info;
    }

    /// <summary>The frozen deep network.</summary>
    public DeepNetwork Network { get; }

    /// <summary>The trained decoders.</summary>
    public Cascade Cascade { get; }

    /// <summary>The options the model was trained with.</summary>
    public ProbeOptions Options { get; }

    /// <summary>The device the tensors live on.</summary>
    public Device Device { get; }

    /// <summary>Image shape [C, H, W] of the inputs.</summary>
    public int[] ImageShape => [Info.Channels, Info.Height, Info.Width];

    /// <summary>Values per input image (C·H·W).</summary>
    public int InputSize => Network.LayerSizes[0];

    /// <summary>Number of classes.</summary>
    public int Classes => Network.LayerSizes[^1];

    /// <summary>Number of curve points: layers 1..L − <see cref="ProbeOptions.ExcludedLastLayers"/>.</summary>
    public int CurveLength => Network.Depth - Options.ExcludedLastLayers;

    /// <summary>Training images the decoders saw.</summary>
    public int TrainSamples => Info.TrainSamples;

    /// <summary>Seconds spent building and training (0 for a loaded model).</summary>
    public double TrainSeconds => Info.TrainSeconds;

    /// <summary>TorchSharp intra-op threads used for training.</summary>
    public int Threads => Info.Threads;

    internal ModelInfo Info { get; }

    /// <summary>
    /// Measures the probe on held-out images: picks <see cref="ProbeOptions.EntropySamples"/> of them with the seeded
    /// generator, reconstructs each from every layer, and computes the per-layer relative and differential entropy, the
    /// cutoff, the decoders' test errors, the kept reconstructions and the ideal inputs.
    /// </summary>
    /// <param name="test">Test images of the same shape and classes as the training set.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="ct">Cancellation (checked before the work starts).</param>
    public ProbeResult Evaluate(ImageDataset test, IProgress<ProbeProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (test.FeatureSize != InputSize || test.ClassNames.Count != Classes)
        {
            throw new ArgumentException($"Test set '{test.Name}' has {test.FeatureSize} values and {test.ClassNames.Count} classes; the model expects {InputSize} and {Classes}.", nameof(test));
        }
        if (Options.EntropySamples > test.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(test), test.Count, $"EntropySamples ({Options.EntropySamples}) exceeds the test set's {test.Count} images.");
        }
        ct.ThrowIfCancellationRequested();
        int threads = TorchThreads.Apply(Options.Threads);
        progress?.Report(new ProbeProgress(ProbePhase.Evaluating, 0, 1, 0));
        var watch = Stopwatch.StartNew();

        int[] sample = EntropySample(test.Count);
        int s = sample.Length;
        int d = InputSize;
        int depth = Network.Depth;
        int curve = CurveLength;
        var pixels = new float[s * d];
        var labels = new int[s];
        for (int i = 0; i < s; i++)
        {
            test.Image(sample[i]).CopyTo(pixels.AsSpan(i * d, d));
            labels[i] = test.Labels[sample[i]];
        }

        float[][] perSample;
        var activationsFinite = new bool[depth];
        var differential = new double[curve];
        var mse = new float[depth];
        float[][][]? kept = null;
        using (var scope = NewDisposeScope())
        using (inference_mode())
        {
            Tensor x = tensor(pixels, [s, d]).to(Device);
            Tensor[] h = Network.LayerOutputs(x);
            for (int l = 1; l <= depth; l++)
            {
                activationsFinite[l - 1] = h[l].isfinite().all().item<bool>();
            }
            Tensor[] recon = Cascade.ReconstructAll(h, depth);
            var rel = new Tensor[curve];
            for (int l = 1; l <= curve; l++)
            {
                rel[l - 1] = ReconstructionEntropy.Relative(x, recon[l - 1]);
                // As the authors: the differential entropy of the min-shifted, normalised reconstructions.
                differential[l - 1] = ReconstructionEntropy.Differential(ReconstructionEntropy.ToDistribution(recon[l - 1]));
            }
            for (int l = 1; l <= depth; l++)
            {
                mse[l - 1] = nn.functional.mse_loss(Cascade.Decode(l, h[l]), h[l - 1]).item<float>();
            }
            float[] flat = ToArray(stack(rel, 1));
            perSample = new float[s][];
            for (int i = 0; i < s; i++)
            {
                perSample[i] = flat.AsSpan(i * curve, curve).ToArray();
            }
            int k = Options.ReconstructionImages;
            if (k > 0)
            {
                // [k, 1 + L, d]: the inputs, then the reconstructions from every layer.
                var columns = new Tensor[depth + 1];
                columns[0] = x.narrow(0, 0, k);
                for (int l = 1; l <= depth; l++)
                {
                    columns[l] = recon[l - 1].narrow(0, 0, k);
                }
                float[] images = ToArray(stack(columns, 1));
                kept = new float[k][][];
                for (int i = 0; i < k; i++)
                {
                    kept[i] = new float[depth + 1][];
                    for (int c = 0; c <= depth; c++)
                    {
                        kept[i][c] = images.AsSpan(((i * (depth + 1)) + c) * d, d).ToArray();
                    }
                }
            }
        }

        // A diverging network's curve is measured only up to the layer before it overflows (see Divergence).
        int? divergence = Divergence.FirstLayer(activationsFinite, perSample);
        int finite = Cutoff.FiniteLength(curve, divergence);
        double[] median = Cutoff.Median(perSample);
        double[] normalised = Cutoff.NormalizedMedian(perSample, divergence);
        var mean = new float[curve];
        for (int l = 0; l < curve; l++)
        {
            double sum = 0;
            for (int i = 0; i < s; i++)
            {
                sum += perSample[i][l];
            }
            mean[l] = (float)(sum / s);
        }
        int cutoff = Cutoff.FromSamples(perSample, divergence, Options.CutoffTolerance);
        int? differentialCutoff = finite >= (2 * Cutoff.DifferentialTrim) + 2 ? Cutoff.Differential(differential.AsSpan(0, finite)) : null;
        float[][] ideal = IdealInputs();
        var result = new ProbeResult
        {
            SigmaW2 = Options.SigmaW2,
            SigmaB2 = Options.SigmaB2,
            Depth = Options.Depth,
            Layers = depth,
            LayerSizes = [.. Network.LayerSizes],
            Width = Options.Width.ToString(),
            Activation = Options.Activation.Name,
            Dataset = Info.Dataset,
            Source = Info.Source,
            Cutoff = cutoff,
            DivergenceLayer = divergence,
            CutoffTolerance = Options.CutoffTolerance,
            ExcludedLastLayers = Options.ExcludedLastLayers,
            MedianRelativeEntropy = Array.ConvertAll(median, v => (float)v),
            MeanRelativeEntropy = mean,
            NormalizedMedian = Array.ConvertAll(normalised, v => (float)v),
            PerSampleRelativeEntropy = perSample,
            DifferentialEntropy = differential,
            DifferentialCutoff = differentialCutoff,
            DecoderTestMse = mse,
            Seed = Options.Seed,
            Threads = threads,
            Device = Device.ToString(),
            TrainSamples = Info.TrainSamples,
            Epochs = Options.Epochs,
            BatchSize = Options.BatchSize,
            EntropySamples = s,
            TrainSeconds = Info.TrainSeconds,
            EvaluateSeconds = watch.Elapsed.TotalSeconds,
            Reconstructions = kept is null ? null : new ProbeReconstructions
            {
                Channels = Info.Channels,
                Height = Info.Height,
                Width = Info.Width,
                Layers = [.. Enumerable.Range(0, depth + 1)],
                Labels = labels.AsSpan(0, kept.Length).ToArray(),
                Images = kept,
            },
            IdealInputs = ideal,
        };
        progress?.Report(new ProbeProgress(ProbePhase.Done, 1, 1, 0));
        return result;
    }

    /// <summary>
    /// Reconstructions of a batch [B, n0] from every layer 1..L, as one tensor [B, L, n0] on <see cref="Device"/> (the
    /// caller disposes it). Runs under inference mode in its own dispose scope.
    /// </summary>
    public Tensor ReconstructionsFromAllLayers(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckBatch(x);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        Tensor input = x.to_type(ScalarType.Float32).to(Device);
        Tensor[] h = Network.LayerOutputs(input);
        Tensor[] recon = Cascade.ReconstructAll(h, Network.Depth);
        return stack(recon, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The relative entropy of each image of a batch against its reconstruction from every curve layer: returns
    /// <paramref name="count"/> × <see cref="CurveLength"/> values, row-major (image i, layer ℓ at i·CurveLength + ℓ − 1).
    /// Thread-safe for concurrent callers.
    /// </summary>
    /// <param name="batch">count·n0 pixels in [0, 1], image after image.</param>
    /// <param name="count">Number of images.</param>
    public float[] RelativeEntropyPerLayer(float[] batch, int count)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (batch.Length != (long)count * InputSize)
        {
            throw new ArgumentException($"Expected {count} × {InputSize} = {(long)count * InputSize} values; got {batch.Length}.", nameof(batch));
        }
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        Tensor x = tensor(batch, [count, InputSize]).to(Device);
        Tensor[] h = Network.LayerOutputs(x);
        Tensor[] recon = Cascade.ReconstructAll(h, CurveLength);
        var rel = new Tensor[CurveLength];
        for (int l = 0; l < CurveLength; l++)
        {
            rel[l] = ReconstructionEntropy.Relative(x, recon[l]);
        }
        return ToArray(stack(rel, 1));
    }

    /// <summary>
    /// The authors' <c>get_perfect</c>: for each class k, the vector (−1 everywhere, +1 at k) decoded through the whole
    /// cascade C_1(…C_L(·)), giving an "ideal input" per class, [class][n0].
    /// </summary>
    public float[][] IdealInputs()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        Tensor oneHot = eye(Classes, device: Device).mul_(TorchScalars.Two).sub_(TorchScalars.One);
        float[] flat = ToArray(Cascade.Reconstruct(oneHot, Network.Depth));
        var result = new float[Classes][];
        for (int k = 0; k < Classes; k++)
        {
            result[k] = flat.AsSpan(k * InputSize, InputSize).ToArray();
        }
        return result;
    }

    /// <summary>
    /// Writes the model: a small versioned architecture descriptor (JSON) followed by the network's and the cascade's
    /// TorchSharp weights. The stream stays open.
    /// </summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var descriptor = new ModelDescriptor
        {
            Format = FormatName,
            Version = FormatVersion,
            Info = Info,
            SigmaW2 = Options.SigmaW2,
            SigmaB2 = Options.SigmaB2,
            Depth = Options.Depth,
            Width = Options.Width.ToString(),
            Activation = Options.Activation.Name,
            LayerSizes = [.. Network.LayerSizes],
            TanhOutputs = [.. Cascade.TanhOutputs],
            Seed = Options.Seed,
            TrainSamples = Options.TrainSamples,
            Epochs = Options.Epochs,
            BatchSize = Options.BatchSize,
            LearningRate = Options.LearningRate,
            EntropySamples = Options.EntropySamples,
            ReconstructionImages = Options.ReconstructionImages,
            CutoffTolerance = Options.CutoffTolerance,
            ExcludedLastLayers = Options.ExcludedLastLayers,
        };
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(FormatName);
        writer.Write(FormatVersion);
        writer.Write(JsonSerializer.Serialize(descriptor, ProbeResult.JsonOptions));
        // Module.save(Stream) would close the stream; the BinaryWriter overload leaves it to us.
        Network.save(writer);
        Cascade.save(writer);
        writer.Flush();
    }

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <param name="stream">The stream, positioned at the model; it stays open.</param>
    /// <param name="device">Device to load onto (default <see cref="DeviceKind.Auto"/>).</param>
    /// <param name="customActivation">The activation to use when the model was trained with a custom (non built-in) one of that name.</param>
    /// <remarks>
    /// Every size in the model's descriptor is checked before any tensor is allocated: the weights of its layer sizes
    /// must fit <see cref="MaxModelBytes"/> and, on a seekable stream, the bytes that follow the descriptor.
    /// </remarks>
    /// <exception cref="InvalidDataException">The stream does not hold a probe model of a supported version, or its descriptor is inconsistent.</exception>
    public static ProbeModel Load(Stream stream, DeviceKind device = DeviceKind.Auto, Activation? customActivation = null) =>
        LoadChecked(stream, device, customActivation, expectedLayerSizes: null);

    /// <summary>
    /// Like <see cref="Load(Stream, DeviceKind, Activation?)"/>; when <paramref name="expectedLayerSizes"/> is given (the
    /// architecture an outer descriptor declares), the model's own layer sizes must equal it before anything is built.
    /// </summary>
    internal static ProbeModel LoadChecked(Stream stream, DeviceKind device, Activation? customActivation, IReadOnlyList<int>? expectedLayerSizes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        ModelDescriptor descriptor;
        try
        {
            string format = reader.ReadString();
            if (format != FormatName)
            {
                throw new InvalidDataException($"Not a probe model: the stream starts with '{Truncate(format)}', expected '{FormatName}'.");
            }
            int version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"Probe model format version {version} is not supported (this library reads version {FormatVersion}).");
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
        int[] sizes = CheckDescriptor(descriptor, expectedLayerSizes, stream);
        Activation activation;
        NetworkWidth width;
        try
        {
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
            Device = device,
        };
        Device target = TorchRuntime.ResolveDevice(device);
        var spec = options.ToNetworkSpec(sizes[0], sizes[^1]) with { Width = NetworkWidth.Explicit(sizes), Depth = sizes.Length - 1 };
        DeepNetwork? network = null;
        Cascade? cascade = null;
        try
        {
            network = DeepNetwork.Create(spec, target);
            cascade = new Cascade(sizes, descriptor.TanhOutputs!, descriptor.Seed, target);
            network.load(reader, strict: true);
            cascade.load(reader, strict: true);
            return new ProbeModel(network, cascade, options, target, descriptor.Info!);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or InvalidOperationException)
        {
            network?.Dispose();
            cascade?.Dispose();
            throw new InvalidDataException($"The probe model's weights could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Bytes of float32 parameters of a network with <paramref name="sizes"/> and its decoders (a weight and a bias per
    /// layer each way); null when that overflows a long.
    /// </summary>
    internal static long? ParameterBytes(IReadOnlyList<int> sizes)
    {
        try
        {
            long values = 0;
            for (int i = 0; i + 1 < sizes.Count; i++)
            {
                values = checked(values + (2L * sizes[i] * sizes[i + 1]) + sizes[i] + sizes[i + 1]);
            }
            return checked(values * sizeof(float));
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>Checks every field that decides an allocation or an array length, before anything is built; returns the layer sizes.</summary>
    private static int[] CheckDescriptor(ModelDescriptor descriptor, IReadOnlyList<int>? expected, Stream stream)
    {
        if (descriptor.Format != FormatName || descriptor.Version != FormatVersion)
        {
            throw new InvalidDataException(
                $"The probe model's descriptor names format '{Truncate(descriptor.Format ?? "")}' version {descriptor.Version}; this library reads '{FormatName}' version {FormatVersion}.");
        }
        int[] sizes = descriptor.LayerSizes ?? throw new InvalidDataException("The probe model's descriptor has no layer sizes.");
        if (sizes.Length < 3 || sizes.Length - 1 > MaxLoadedLayers || sizes.Any(n => n < 1))
        {
            throw new InvalidDataException(
                $"The probe model's descriptor has {sizes.Length} layer sizes{(sizes.Any(n => n < 1) ? ", some below 1" : "")}; a model has 3 to {MaxLoadedLayers + 1} sizes of at least 1.");
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
        long? bytes = ParameterBytes(sizes);
        if (bytes is not long need || need > MaxModelBytes)
        {
            throw new InvalidDataException(
                $"The probe model's layer sizes [{Describe(sizes)}] need {(bytes is long b ? $"{b} bytes" : "more than 2^63 bytes")} of weights, over the limit of {MaxModelBytes} bytes.");
        }
        if (stream.CanSeek && stream.Length - stream.Position < need)
        {
            throw new InvalidDataException(
                $"The probe model's layer sizes [{Describe(sizes)}] need {need} bytes of weights but only {stream.Length - stream.Position} bytes follow the descriptor.");
        }
        return sizes;
    }

    private static string Describe(IReadOnlyList<int> sizes) =>
        sizes.Count <= 8 ? string.Join(", ", sizes) : $"{string.Join(", ", sizes.Take(4))}, … ({sizes.Count} sizes) …, {sizes[^1]}";

    /// <summary>Frees the network and the decoders.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Network.Dispose();
            Cascade.Dispose();
        }
    }

    internal int[] EntropySample(int testCount)
    {
        using var generator = new Generator(unchecked((ulong)Options.Seed) ^ EntropySampleStream);
        using var perm = randperm(testCount, generator: generator, dtype: ScalarType.Int32);
        return perm.data<int>().ToArray().AsSpan(0, Options.EntropySamples).ToArray();
    }

    private void CheckBatch(Tensor x)
    {
        if (x.dim() != 2 || x.shape[1] != InputSize)
        {
            throw new ArgumentException($"Expected a batch [B, {InputSize}]; got [{string.Join(", ", x.shape)}].", nameof(x));
        }
    }

    private static float[] ToArray(Tensor t)
    {
        using var cpu = t.to_type(ScalarType.Float32).cpu().contiguous();
        return cpu.data<float>().ToArray();
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>What a model knows about its data and training, saved with it.</summary>
    internal sealed record ModelInfo
    {
        public int Channels { get; init; }

        public int Height { get; init; }

        public int Width { get; init; }

        public string? Dataset { get; init; }

        public string? Source { get; init; }

        public int TrainSamples { get; init; }

        public double TrainSeconds { get; init; }

        public int Threads { get; init; }
    }

    private sealed record ModelDescriptor
    {
        public string? Format { get; init; }

        public int Version { get; init; }

        public ModelInfo? Info { get; init; }

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
    }
}
