using System.Diagnostics;
using Entropy.MLNet.Data;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>
/// A trained probe: the frozen network and its trained decoder cascade, of any architecture. <see cref="Evaluate"/>
/// measures the entropy curve and cutoff on held-out images; the batched methods serve ML.NET transformers (each call
/// uses its own dispose scope and inference mode, so concurrent callers are safe for reading); <see cref="Save"/> and
/// <see cref="Load"/> persist it (the file format lives in <c>ProbeModelFile</c>). Dispose it to free the native memory.
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

    private readonly bool _ownsNetwork;
    private bool _disposed;

    /// <summary>Wraps a trained network; <paramref name="ownsNetwork"/> false for a view that must not free it (an adaptive probe's stages).</summary>
    internal ProbeModel(ProbeNetwork network, ProbeOptions options, ModelInfo info, bool ownsNetwork = true)
    {
        _ownsNetwork = ownsNetwork;
        Network = network;
        Options = options;
        Info = info;
    }

    /// <summary>The frozen network and its trained decoders (the architecture seam).</summary>
    internal ProbeNetwork Network { get; }

    /// <summary>The architecture family, e.g. <c>mlp</c>.</summary>
    public string Architecture => Network.Architecture.Name;

    /// <summary>Number of layers L of the network (one decoder each).</summary>
    public int Depth => Network.Depth;

    /// <summary>Values per sample of the input and every layer output, h_0..h_L.</summary>
    public IReadOnlyList<int> LayerSizes => Network.LayerSizes;

    /// <summary>The options the model was trained with.</summary>
    public ProbeOptions Options { get; }

    /// <summary>The device the tensors live on.</summary>
    public Device Device => Network.Device;

    /// <summary>Image shape [C, H, W] of the inputs.</summary>
    public int[] ImageShape => [Info.Channels, Info.Height, Info.Width];

    /// <summary>Values per input image (C·H·W).</summary>
    public int InputSize => Network.InputSize;

    /// <summary>Number of classes.</summary>
    public int Classes => Network.Classes;

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
        int layers = Network.Depth;
        // An adaptive probe whose cascade stopped short measures the layers up to its deepest trained decoder; the rest
        // of its curve is NaN, as after a divergence.
        bool truncated = Info.MeasuredLayers is { } m && m < layers;
        int depth = truncated ? Info.MeasuredLayers!.Value : layers;
        int fullCurve = CurveLength;
        int curve = truncated ? depth : fullCurve;
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
            Tensor[] recon = Network.ReconstructAll(h, depth);
            var rel = new Tensor[curve];
            for (int l = 1; l <= curve; l++)
            {
                rel[l - 1] = ReconstructionEntropy.Relative(x, recon[l - 1]);
                // As the authors: the differential entropy of the min-shifted, normalised reconstructions.
                differential[l - 1] = ReconstructionEntropy.Differential(ReconstructionEntropy.ToDistribution(recon[l - 1]));
            }
            for (int l = 1; l <= depth; l++)
            {
                mse[l - 1] = nn.functional.mse_loss(Network.Decode(l, h[l]), h[l - 1]).item<float>();
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
        // The ideal inputs decode through every decoder: none for a cascade that stopped short.
        float[][] ideal = truncated ? [] : IdealInputs();
        if (truncated)
        {
            median = PadNaN(median, fullCurve);
            normalised = PadNaN(normalised, fullCurve);
            mean = PadNaN(mean, fullCurve);
            differential = PadNaN(differential, fullCurve);
            mse = PadNaN(mse, layers);
            for (int i = 0; i < s; i++)
            {
                perSample[i] = PadNaN(perSample[i], fullCurve);
            }
        }
        var result = new ProbeResult
        {
            SigmaW2 = Options.SigmaW2,
            SigmaB2 = Options.SigmaB2,
            Depth = Options.Depth,
            Layers = layers,
            MeasuredLayers = truncated ? depth : null,
            Mode = Options.Mode.ToName(),
            TrainImagesUsed = Info.ImagesUsed,
            WorkGflop = Info.TrainingFlop > 0 ? (Info.TrainingFlop + ProbeWork.Evaluation(Network.LayerSizes, depth, s)) / 1e9 : null,
            FaithfulWorkGflop = Info.TrainingFlop > 0 ? ProbeWork.Faithful(Network.LayerSizes, (double)Info.TrainSamples * Options.Epochs, s) / 1e9 : null,
            LayerSizes = [.. Network.LayerSizes],
            Width = Options.Width.ToString(),
            Activation = Options.Activation.Name,
            Architecture = Architecture == ArchitectureCatalog.MlpName ? null : Architecture,
            Channels = Architecture == ArchitectureCatalog.MlpName ? null : Network.Layout.LayerShapes[1][0],
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
        Tensor[] recon = Network.ReconstructAll(h, Network.Depth);
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
        Tensor[] recon = Network.ReconstructAll(h, CurveLength);
        var rel = new Tensor[CurveLength];
        for (int l = 0; l < CurveLength; l++)
        {
            rel[l] = ReconstructionEntropy.Relative(x, recon[l]);
        }
        return ToArray(stack(rel, 1));
    }

    /// <summary>
    /// The authors' <c>get_perfect</c>: for each class k, a code for class k at the deepest layer decoded through the
    /// whole cascade C_1(…C_L(·)), giving an "ideal input" per class, [class][n0]. For the MLP the code is the vector
    /// (−1 everywhere, +1 at k); the CNN and ResNet take the same code at their classifier head's output and decode it
    /// through their head decoder first. An architecture without a class code gives none (an empty array).
    /// </summary>
    public float[][] IdealInputs()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        if (Network.IdealInputs() is not { } ideal)
        {
            return [];
        }
        float[] flat = ToArray(ideal);
        var result = new float[Classes][];
        for (int k = 0; k < Classes; k++)
        {
            result[k] = flat.AsSpan(k * InputSize, InputSize).ToArray();
        }
        return result;
    }

    /// <summary>
    /// Writes the model: a small versioned descriptor (JSON: the architecture, the options, the layout) followed by the
    /// network's and the decoders' TorchSharp weights. The stream stays open.
    /// </summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ProbeModelFile.Save(this, stream);
    }

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <param name="stream">The stream, positioned at the model; it stays open.</param>
    /// <param name="device">Device to load onto (default <see cref="DeviceKind.Auto"/>).</param>
    /// <param name="customActivation">The activation to use when the model was trained with a custom (non built-in) one of that name.</param>
    /// <remarks>
    /// Every size in the model's descriptor is checked before any tensor is allocated: the weights its architecture
    /// declares must fit <see cref="MaxModelBytes"/> and, on a seekable stream, the bytes that follow the descriptor.
    /// </remarks>
    /// <exception cref="InvalidDataException">The stream does not hold a probe model of a supported version, or its descriptor is inconsistent.</exception>
    public static ProbeModel Load(Stream stream, DeviceKind device = DeviceKind.Auto, Activation? customActivation = null) =>
        ProbeModelFile.Load(stream, device, customActivation, expectedLayerSizes: null);

    /// <summary>Frees the network and the decoders.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (_ownsNetwork)
            {
                Network.Dispose();
            }
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

    private static T[] PadNaN<T>(T[] values, int length) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var result = new T[Math.Max(length, values.Length)];
        Array.Fill(result, T.NaN);
        values.CopyTo(result, 0);
        return result;
    }

    private static float[] ToArray(Tensor t)
    {
        using var cpu = t.to_type(ScalarType.Float32).cpu().contiguous();
        return cpu.data<float>().ToArray();
    }

    /// <summary>What a model knows about its data and training, saved with it.</summary>
    internal sealed record ModelInfo
    {
        /// <summary>What a model trained on <paramref name="train"/> knows before its training is timed: the data, the images it may use, the threads.</summary>
        public static ModelInfo Of(ImageDataset train, int trainSamples, int threads) => new()
        {
            Channels = train.Channels,
            Height = train.Height,
            Width = train.Width,
            Dataset = train.Name,
            Source = train.Source,
            TrainSamples = trainSamples,
            Threads = threads,
        };

        public int Channels { get; init; }

        public int Height { get; init; }

        public int Width { get; init; }

        public string? Dataset { get; init; }

        public string? Source { get; init; }

        public int TrainSamples { get; init; }

        public double TrainSeconds { get; init; }

        public int Threads { get; init; }

        /// <summary>The deepest trained decoder of an adaptive probe that stopped short (null: all of them).</summary>
        public int? MeasuredLayers { get; init; }

        /// <summary>Images the decoders trained on, when an adaptive budget stopped before the epochs' end (the deepest stage's count).</summary>
        public int? ImagesUsed { get; init; }

        /// <summary>FLOP of the training (and of earlier stages' evaluations), for the work report; 0 when not counted.</summary>
        public double TrainingFlop { get; init; }
    }
}
