using System.Diagnostics;
using System.Globalization;
using Entropy.MLNet.Data;
using Entropy.MLNet.Probe;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// A trained CNN/ResNet probe: the frozen network and its trained decoders. <see cref="Evaluate"/> measures the
/// relative-entropy curve, the cutoff, the differential entropy and the decoders' test errors on held-out images, with
/// the same code as the MLP probe (<see cref="ReconstructionEntropy"/>, <see cref="Cutoff"/>). Dispose it to free the
/// native memory.
/// </summary>
internal sealed class ConvolutionalProbeModel : IDisposable
{
    private bool _disposed;

    internal ConvolutionalProbeModel(ConvolutionalNetwork network, ConvolutionalCascade cascade, ConvolutionalProbeOptions options,
        Device device, ProbeModel.ModelInfo info)
    {
        Network = network;
        Cascade = cascade;
        Options = options;
        Device = device;
        Info = info;
    }

    public ConvolutionalNetwork Network { get; }

    public ConvolutionalCascade Cascade { get; }

    public ConvolutionalProbeOptions Options { get; }

    public Device Device { get; }

    internal ProbeModel.ModelInfo Info { get; }

    /// <summary>Curve points: decoded layers 1..L − excluded.</summary>
    public int CurveLength => Network.Layers - Options.ExcludedLastLayers;

    /// <summary>
    /// Picks the entropy sample with the seeded generator (the same stream as the MLP probe), walks it through the
    /// network one layer at a time and reconstructs it from each layer, so that only one layer's output and one cascade
    /// live at a time (the authors keep all of them).
    /// </summary>
    public ProbeResult Evaluate(ImageDataset test, IProgress<ProbeProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var spec = Network.Spec;
        if (test.Channels != spec.InputChannels || test.Height != spec.Height || test.Width != spec.Width || test.ClassNames.Count != spec.Classes)
        {
            throw new ArgumentException($"Test set '{test.Name}' has images {test.Channels}×{test.Height}×{test.Width} and {test.ClassNames.Count} classes; the model expects {spec.InputChannels}×{spec.Height}×{spec.Width} and {spec.Classes}.", nameof(test));
        }
        if (Options.EntropySamples > test.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(test), test.Count, $"EntropySamples ({Options.EntropySamples}) exceeds the test set's {test.Count} images.");
        }
        ct.ThrowIfCancellationRequested();
        int threads = TorchThreads.Apply(Options.Threads);
        progress?.Report(new ProbeProgress(ProbePhase.Evaluating, 0, 1, 0));
        var watch = Stopwatch.StartNew();

        int[] sample = EntropySample(test.Count, Options.Seed, Options.EntropySamples);
        int s = sample.Length;
        int d = test.FeatureSize;
        int layers = Network.Layers;
        int curve = CurveLength;
        int k = Options.ReconstructionImages;
        var pixels = new float[s * d];
        var labels = new int[s];
        for (int i = 0; i < s; i++)
        {
            test.Image(sample[i]).CopyTo(pixels.AsSpan(i * d, d));
            labels[i] = test.Labels[sample[i]];
        }
        var perSample = new float[s][];
        for (int i = 0; i < s; i++)
        {
            perSample[i] = new float[curve];
        }
        var activationsFinite = new bool[layers];
        var differential = new double[curve];
        var mse = new float[layers];
        var kept = new float[k][][];
        for (int i = 0; i < k; i++)
        {
            kept[i] = new float[layers + 1][];
            kept[i][0] = pixels.AsSpan(i * d, d).ToArray();
        }
        using (var outer = NewDisposeScope())
        using (inference_mode())
        {
            Tensor flat = tensor(pixels, [s, d]).to(Device);
            Tensor previous = Network.AsImages(flat);
            for (int l = 1; l <= layers; l++)
            {
                ct.ThrowIfCancellationRequested();
                Tensor next;
                using (var scope = NewDisposeScope())
                {
                    next = Network.LayerOutput(l, previous).MoveToOuterDisposeScope();
                    activationsFinite[l - 1] = next.isfinite().all().item<bool>();
                    mse[l - 1] = nn.functional.mse_loss(Cascade.Decode(l, next), previous).item<float>();
                    Tensor reconstruction = Cascade.Reconstruct(next, l).reshape(s, d);
                    if (l <= curve)
                    {
                        float[] rel = ToArray(ReconstructionEntropy.Relative(flat, reconstruction));
                        for (int i = 0; i < s; i++)
                        {
                            perSample[i][l - 1] = rel[i];
                        }
                        // As the authors: the differential entropy of the min-shifted, normalised reconstructions.
                        differential[l - 1] = ReconstructionEntropy.Differential(ReconstructionEntropy.ToDistribution(reconstruction));
                    }
                    if (k > 0)
                    {
                        float[] images = ToArray(reconstruction.narrow(0, 0, k));
                        for (int i = 0; i < k; i++)
                        {
                            kept[i][l] = images.AsSpan(i * d, d).ToArray();
                        }
                    }
                }
                if (l > 1)
                {
                    previous.Dispose();
                }
                previous = next;
            }
        }

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
        progress?.Report(new ProbeProgress(ProbePhase.Done, 1, 1, 0));
        return new ProbeResult
        {
            SigmaW2 = Options.SigmaW2,
            SigmaB2 = Options.SigmaB2,
            Depth = Options.Depth,
            Layers = layers,
            LayerSizes = spec.LayerSizes(),
            Width = Options.Channels.ToString(CultureInfo.InvariantCulture),
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
            Reconstructions = k == 0 ? null : new ProbeReconstructions
            {
                Channels = spec.InputChannels,
                Height = spec.Height,
                Width = spec.Width,
                Layers = [.. Enumerable.Range(0, layers + 1)],
                Labels = labels.AsSpan(0, k).ToArray(),
                Images = kept,
            },
        };
    }

    /// <summary>The entropy sample: the first N of a seeded permutation, the MLP probe's stream.</summary>
    internal static int[] EntropySample(int testCount, int seed, int count)
    {
        using var generator = new Generator(unchecked((ulong)seed) ^ ProbeModel.EntropySampleStream);
        using var perm = randperm(testCount, generator: generator, dtype: ScalarType.Int32);
        return perm.data<int>().ToArray().AsSpan(0, count).ToArray();
    }

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

    private static float[] ToArray(Tensor t)
    {
        using var cpu = t.to_type(ScalarType.Float32).cpu().contiguous();
        return cpu.data<float>().ToArray();
    }
}
