using System.Diagnostics;
using Entropy.MLNet.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures;

/// <summary>
/// Trains a probe network's decoders on its frozen network, as the authors: per mini-batch, the network's layer outputs
/// without gradients, then every decoder ℓ regresses h_ℓ−1 from h_ℓ and takes one step of its own Adam. An architecture
/// supplies <see cref="TrainBatches"/> (its engine); this base owns the pass over the data (seeded shuffles, chunks of
/// consecutive mini-batches, progress) so that every family sees the images in the same order.
/// <para>
/// The hooks the performance work needs: <see cref="LastLayer"/> bounds the decoders trained and the layers the frozen
/// network computes (it may be lowered between chunks), and the callback of <see cref="Train"/> runs after every chunk
/// and stops the training early by returning false.
/// </para>
/// </summary>
internal abstract class DecoderTrainer : IDisposable
{
    /// <summary>Rows per chunk the trainer aims for (mini-batches are grouped up to this many rows).</summary>
    internal const int ChunkRows = 4096;

    /// <summary>Upper bound on the memory of a chunk's layer outputs.</summary>
    internal const long ChunkBytes = 128L << 20;

    private int _lastLayer;
    private int _firstLayer = 1;
    private int _chunkRows = ChunkRows;
    private readonly bool[] _frozen;

    /// <summary>Creates the base for a network of <paramref name="layout"/> on <paramref name="device"/>.</summary>
    protected DecoderTrainer(NetworkLayout layout, Device device)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(device);
        Layout = layout;
        Device = device;
        _lastLayer = layout.Depth;
        _frozen = new bool[layout.Depth + 1];
    }

    /// <summary>The shapes of the network being probed.</summary>
    public NetworkLayout Layout { get; }

    /// <summary>Device of the network and its decoders.</summary>
    public Device Device { get; }

    /// <summary>
    /// The deepest decoder trained, and the deepest layer the frozen network computes, per batch (default L). Decoders
    /// beyond it are left as they are.
    /// </summary>
    public int LastLayer
    {
        get => _lastLayer;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Layout.Depth);
            _lastLayer = value;
        }
    }

    /// <summary>
    /// The shallowest decoder trained (default 1). Decoders below it are left as they are while the frozen network still
    /// computes their layers: how a deeper stretch of decoders is added to a cascade whose shallow ones are done.
    /// </summary>
    public int FirstLayer
    {
        get => _firstLayer;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Layout.Depth);
            _firstLayer = value;
        }
    }

    /// <summary>
    /// Stops training decoder <paramref name="layer"/> for good (its loss has converged): it keeps its parameters, takes no
    /// more steps, and the frozen network computes no layer deeper than the deepest decoder still training. For the MLP's
    /// engine; other families train every decoder.
    /// </summary>
    public void Freeze(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layer, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layer, Layout.Depth);
        _frozen[layer] = true;
    }

    /// <summary>Whether decoder <paramref name="layer"/> was frozen (<see cref="Freeze"/>).</summary>
    public bool IsFrozen(int layer) => _frozen[layer];

    /// <summary>The deepest decoder in <see cref="FirstLayer"/>..<see cref="LastLayer"/> still training, or 0 when all are frozen.</summary>
    public int DeepestTraining()
    {
        for (int l = LastLayer; l >= FirstLayer; l--)
        {
            if (!_frozen[l])
            {
                return l;
            }
        }
        return 0;
    }

    /// <summary>FLOP of the training so far under the probe's FLOP model (network forward and decoder steps actually taken); 0 for a family that does not count.</summary>
    public double TrainingFlop { get; protected set; }

    /// <summary>
    /// Whether <see cref="ChunkLosses"/> must be measured where it is not free (a GPU's tensor path: one more reduction
    /// and a device sync per decoder step); the CPU's fused path measures it anyway.
    /// </summary>
    public bool MeasureLosses { get; set; }

    /// <summary>
    /// The mean layer-local loss of every decoder over the mini-batches of the last <see cref="TrainBatches"/> call, index
    /// ℓ − 1; NaN for a decoder not trained in it or not measured. Null before the first call, and for a family that does
    /// not measure its losses.
    /// </summary>
    public IReadOnlyList<double>? ChunkLosses { get; protected set; }

    /// <summary>
    /// Rows per chunk the trainer aims for (default <see cref="ChunkRows"/>): an adaptive budget takes smaller chunks
    /// to decide sooner, at some cost in cache reuse.
    /// </summary>
    public int ChunkRowTarget
    {
        get => _chunkRows;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _chunkRows = value;
        }
    }

    /// <summary>
    /// Consecutive mini-batches, stacked: <paramref name="rows"/> [Σ sizes, n0] holds mini-batch k in rows
    /// Σ_{i&lt;k} sizes[i] onward. Every decoder up to <see cref="LastLayer"/> takes one step per mini-batch, in order.
    /// </summary>
    /// <param name="rows">The images of the mini-batches, in order, flattened (C·H·W values per row).</param>
    /// <param name="sizes">Rows of each mini-batch.</param>
    /// <param name="ct">Cancellation; once the decoders have started, a chunk completes, so every decoder stands at the same step.</param>
    public abstract void TrainBatches(Tensor rows, IReadOnlyList<int> sizes, CancellationToken ct = default);

    /// <summary>One optimisation step of every decoder on a batch [B, n0].</summary>
    public void TrainBatch(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        TrainBatches(batch, [checked((int)batch.shape[0])]);
    }

    /// <summary>Frees the optimiser state (not the network or the decoders).</summary>
    public abstract void Dispose();

    /// <summary>Mini-batches per chunk for batches of <paramref name="batchSize"/>: about <see cref="ChunkRows"/> rows, within <see cref="ChunkBytes"/> of layer outputs.</summary>
    internal virtual int ChunkBatches(int batchSize)
    {
        long bytesPerRow = 4L * Layout.LayerSizes.Take(LastLayer + 1).Sum(n => (long)n);
        long byMemory = ChunkBytes / Math.Max(1, bytesPerRow * batchSize);
        return (int)Math.Clamp(Math.Min(ChunkRowTarget / batchSize, byMemory), 1, int.MaxValue);
    }

    /// <summary>Trains for <paramref name="epochs"/> epochs over <paramref name="indices"/> of <paramref name="data"/>, reshuffled each epoch with <paramref name="generator"/>.</summary>
    /// <param name="data">The images.</param>
    /// <param name="indices">Which images to use.</param>
    /// <param name="epochs">Passes over <paramref name="indices"/>.</param>
    /// <param name="batchSize">Mini-batch size (the last batch of an epoch may be smaller).</param>
    /// <param name="generator">The private generator for the shuffles.</param>
    /// <param name="afterChunk">
    /// Optional: called before the first chunk and after every chunk of mini-batches (at most 4,096 images); returning
    /// false stops the training there (the stop-early hook; <see cref="LastLayer"/> may also be changed in it).
    /// </param>
    /// <param name="ct">Cancellation, checked between chunks (see <see cref="TrainBatches"/>).</param>
    public void Train(ImageDataset data, int[] indices, int epochs, int batchSize, Generator generator,
        Func<TrainingChunk, bool>? afterChunk, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.FeatureSize != Layout.LayerSizes[0])
        {
            throw new ArgumentException($"The images have {data.FeatureSize} values; the network expects {Layout.LayerSizes[0]}.", nameof(data));
        }
        if (indices.Any(i => (uint)i >= (uint)data.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(indices), $"Every index must be in 0..{data.Count - 1}.");
        }
        int d = data.FeatureSize;
        // A mini-batch larger than the data is the whole data, every epoch: clamp it, so that no size below overflows.
        batchSize = Math.Min(batchSize, Math.Max(1, indices.Length));
        int perEpoch = (indices.Length + batchSize - 1) / batchSize;
        int total = (int)Math.Min(int.MaxValue, (long)perEpoch * epochs);
        int chunk = ChunkBatches(batchSize);
        var buffer = new float[(long)chunk * batchSize * d];
        var sizes = new List<int>(chunk);
        var watch = Stopwatch.StartNew();
        long seen = 0;
        int done = 0;
        if (afterChunk is not null && !afterChunk(new TrainingChunk(0, total, 0, 1, 0, null)))
        {
            return;
        }
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            int[] order = Shuffle(indices, generator);
            for (int start = 0; start < order.Length;)
            {
                ct.ThrowIfCancellationRequested();
                // A chunk: up to `chunk` consecutive mini-batches of this epoch's order.
                sizes.Clear();
                int rows = 0;
                while (sizes.Count < chunk && start + rows < order.Length)
                {
                    int n = Math.Min(batchSize, order.Length - start - rows);
                    sizes.Add(n);
                    rows += n;
                }
                ReadOnlySpan<float> pixels = data.Pixels;
                for (int i = 0; i < rows; i++)
                {
                    pixels.Slice(order[start + i] * d, d).CopyTo(buffer.AsSpan(i * d, d));
                }
                using (var scope = NewDisposeScope())
                {
                    Tensor x = tensor(rows * d == buffer.Length ? buffer : buffer.AsSpan(0, rows * d).ToArray(), [rows, d]);
                    if (Device.type != DeviceType.CPU)
                    {
                        x = x.to(Device);
                    }
                    TrainBatches(x, sizes, ct);
                }
                start += rows;
                seen += rows;
                done += sizes.Count;
                if (afterChunk is not null && !afterChunk(new TrainingChunk(done, total, seen / Math.Max(watch.Elapsed.TotalSeconds, 1e-9), epoch, seen, ChunkLosses)))
                {
                    return;
                }
            }
        }
    }

    /// <summary>A seeded permutation of <paramref name="values"/> (torch.randperm with the private generator).</summary>
    internal static int[] Shuffle(int[] values, Generator generator)
    {
        using var perm = randperm(values.Length, generator: generator, dtype: ScalarType.Int32);
        int[] p = perm.data<int>().ToArray();
        var result = new int[values.Length];
        for (int i = 0; i < p.Length; i++)
        {
            result[i] = values[p[i]];
        }
        return result;
    }
}
