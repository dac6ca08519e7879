using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Mlp;

/// <summary>
/// Trains a <see cref="Cascade"/> on a frozen <see cref="DeepNetwork"/> as the authors: per mini-batch, the network's
/// layer outputs without gradients, then every decoder ℓ regresses layer ℓ−1's output from layer ℓ's (MSE, mean) and
/// takes one step of its own Adam; all decoders in the same pass over the data.
/// <para>
/// How the work is laid out (none of it changes what a decoder sees: decoder ℓ still takes one Adam step per
/// mini-batch, on that mini-batch's h_ℓ and h_ℓ−1, in the same order):
/// <list type="bullet">
/// <item>The network is frozen, so its outputs for several consecutive mini-batches (a chunk, up to
/// <see cref="DecoderTrainer.ChunkRows"/> images) are computed at once.</item>
/// <item>The decoders share nothing, and a decoder's outputs are independent of each other, so each decoder is cut into
/// blocks of output rows (<see cref="BlockRows"/>), the workers (<see cref="TorchWorkers"/>) share the blocks, and each
/// worker runs all of a chunk's mini-batches through one block before the next. That keeps the block's weight,
/// gradient and Adam moments in the CPU cache across the chunk instead of streaming every decoder's state from memory
/// once per mini-batch.</item>
/// <item>Each decoder's gradient is computed in closed form (<see cref="DecoderGroup.LocalGradients"/>) and its Adam
/// step is one fused pass (<see cref="AdamUpdate"/>).</item>
/// </list>
/// </para>
/// <para>
/// Extension points: <see cref="DecoderTrainer.LastLayer"/> bounds the decoders trained (an adaptive cascade can lower it once the
/// entropy has saturated; the network forward then stops there too), and <see cref="DecoderTrainer.TrainBatch"/> /
/// <see cref="TrainBatches"/> are the units of work a scheduler can interleave with evaluations.
/// </para>
/// </summary>
internal sealed class CascadeTrainer : DecoderTrainer
{
    /// <summary>
    /// Bytes of a decoder's weight per block. The block's weight, gradient and two moments take four times this; on the
    /// development machine a copy stays fast up to a working set of about 8 MB for both cores together (measured), and
    /// 1 MB blocks measured fastest among 0.25–2.5 MB.
    /// </summary>
    internal const long BlockBytes = 1L << 20;

    private readonly DeepNetwork _network;
    private readonly Cascade _cascade;
    private readonly DecoderAdam[] _decoders;
    private readonly bool[] _tanh;
    private readonly TorchWorkers? _workers;

    /// <summary>Creates a trainer for <paramref name="cascade"/> on the frozen <paramref name="network"/>.</summary>
    /// <param name="network">The frozen deep network.</param>
    /// <param name="cascade">The decoders to train (same layer sizes as the network).</param>
    /// <param name="learningRate">Adam learning rate (the authors: 1e-3).</param>
    /// <param name="device">Device of the network and the cascade.</param>
    /// <remarks>
    /// On the CPU the trainer runs min(T, number of decoder blocks) workers, T being the calling thread's libtorch thread
    /// count (the probe's Threads option), each with T / workers intra-op threads; on a GPU it runs on the
    /// calling thread.
    /// </remarks>
    public CascadeTrainer(DeepNetwork network, Cascade cascade, double learningRate, Device device)
        : base(MlpArchitecture.LayoutOf(network, cascade), device)
    {
        _network = network;
        _cascade = cascade;
        // PyTorch's Adam defaults, as the authors: betas (0.9, 0.999), eps 1e-8, no weight decay; one per decoder.
        var settings = new AdamSettings(learningRate, 0.9, 0.999, 1e-8);
        _decoders = new DecoderAdam[cascade.Depth];
        _tanh = new bool[cascade.Depth];
        try
        {
            foreach (var group in cascade.Groups)
            {
                for (int j = 0; j < group.Count; j++)
                {
                    var (w, b) = group.TrainingViews(j);
                    // Blocks are for the CPU's cache; a GPU takes each decoder whole.
                    int blockRows = device.type == DeviceType.CPU ? BlockRows(group.InputSize, group.OutputSize) : group.OutputSize;
                    _decoders[group.FirstLayer + j - 1] = new DecoderAdam(w, b, settings, blockRows);
                    _tanh[group.FirstLayer + j - 1] = group.TanhOutput;
                }
            }
            // The blocks are the units of work, so a many-core machine can use more workers than there are decoders.
            int threads = get_num_threads();
            int workers = device.type == DeviceType.CPU ? Math.Min(threads, _decoders.Sum(d => d.Blocks.Count)) : 1;
            if (workers > 1)
            {
                _workers = new TorchWorkers(workers, Math.Max(1, threads / workers));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Number of workers that share the decoders (1 when the trainer runs on the calling thread).</summary>
    public int Workers => _workers?.Count ?? 1;

    /// <summary>
    /// Consecutive mini-batches, stacked: <paramref name="rows"/> [Σ sizes, n0] holds mini-batch k in rows
    /// Σ_{i&lt;k} sizes[i] onward. Every decoder takes one step per mini-batch, in order: the same steps as
    /// <see cref="DecoderTrainer.TrainBatch"/> called once per mini-batch, up to rounding order (tested).
    /// </summary>
    /// <param name="rows">The images of the mini-batches, in order.</param>
    /// <param name="sizes">Rows of each mini-batch.</param>
    /// <param name="ct">
    /// Cancellation, checked before the chunk and between the network's forward pass and the decoders' steps. Once the
    /// decoders have started, the chunk completes, so every decoder always stands at the same step.
    /// </param>
    public override void TrainBatches(Tensor rows, IReadOnlyList<int> sizes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count == 0 || sizes.Any(n => n < 1) || sizes.Sum() != rows.shape[0])
        {
            throw new ArgumentException($"The mini-batch sizes must be positive and add up to the {rows.shape[0]} rows.", nameof(sizes));
        }
        ct.ThrowIfCancellationRequested();
        // The network is computed only as deep as the deepest decoder still training (frozen ones need no targets).
        int last = DeepestTraining();
        if (last == 0)
        {
            return;
        }
        int workers = Math.Min(Workers, sizes.Count);
        long[] starts = new long[sizes.Count + 1];
        for (int k = 0; k < sizes.Count; k++)
        {
            starts[k + 1] = starts[k] + sizes[k];
        }
        // The network's forward pass: worker w takes mini-batches [first[w], first[w + 1]) through every layer.
        int[] first = [.. Enumerable.Range(0, workers + 1).Select(w => w * sizes.Count / workers)];
        var outputs = new Tensor[workers][];
        try
        {
            Run(workers, w =>
            {
                using var noGrad = no_grad();
                var h = new Tensor[last + 1];
                outputs[w] = h;
                h[0] = rows.narrow(0, starts[first[w]], starts[first[w + 1]] - starts[first[w]]);
                for (int l = 1; l <= last; l++)
                {
                    h[l] = _network.ForwardLayer(l, h[l - 1]);
                }
            });
            // The decoders, in blocks of output rows: each worker trains its share of the blocks, one block at a time
            // through all the mini-batches. No cancellation from here on: a half-stepped chunk would leave blocks of a
            // decoder at different Adam steps.
            ct.ThrowIfCancellationRequested();
            // Where mini-batch k's rows sit: in worker owner[k]'s outputs, from row offset[k].
            int[] owner = new int[sizes.Count];
            long[] offset = new long[sizes.Count];
            for (int w = 0; w < workers; w++)
            {
                for (int k = first[w]; k < first[w + 1]; k++)
                {
                    owner[k] = w;
                    offset[k] = starts[k] - starts[first[w]];
                }
            }
            int firstTrained = FirstLayer;
            var shares = Schedule(firstTrained, last, Workers);
            // Squared error per (decoder, block, mini-batch): each cell has one writer, so the workers need no lock.
            var squared = new double[last + 1][][];
            for (int l = firstTrained; l <= last; l++)
            {
                squared[l] = IsFrozen(l) ? [] : new double[_decoders[l - 1].Blocks.Count][];
            }
            Run(shares.Length, w =>
            {
                using var noGrad = no_grad();
                var buffers = new Dictionary<(long, long), Tensor>();
                try
                {
                    foreach (var (l, block) in shares[w])
                    {
                        var decoder = _decoders[l - 1];
                        var rowsOfBlock = decoder.Blocks[block];
                        var shape = (rowsOfBlock.Weight.shape[0], rowsOfBlock.Weight.shape[1]);
                        if (!buffers.TryGetValue(shape, out var gwBuffer))
                        {
                            gwBuffer = empty_like(rowsOfBlock.Weight).DetachFromDisposeScope();
                            buffers[shape] = gwBuffer;
                        }
                        var errors = new double[sizes.Count];
                        squared[l][block] = errors;
                        for (int k = 0; k < sizes.Count; k++)
                        {
                            using var scope = NewDisposeScope();
                            Tensor input = outputs[owner[k]][l].narrow(0, offset[k], sizes[k]);
                            Tensor target = outputs[owner[k]][l - 1].narrow(0, offset[k], sizes[k]);
                            var (gw, gb, error) = DecoderGroup.LocalGradients(rowsOfBlock.Weight, rowsOfBlock.Bias, _tanh[l - 1], input, target, rowsOfBlock.Start, gwBuffer, MeasureLosses);
                            errors[k] = error;
                            decoder.StepBlock(block, gw, gb, decoder.Steps + k + 1);
                        }
                    }
                }
                finally
                {
                    foreach (var buffer in buffers.Values)
                    {
                        buffer.Dispose();
                    }
                }
            });
            var losses = new double[Layout.Depth];
            Array.Fill(losses, double.NaN);
            double rowCount = rows.shape[0];
            TrainingFlop += ProbeWork.Forward(Layout.LayerSizes, last, rowCount);
            for (int l = firstTrained; l <= last; l++)
            {
                if (IsFrozen(l))
                {
                    continue;
                }
                TrainingFlop += ProbeWork.DecoderStep(Layout.LayerSizes, l, rowCount);
                _decoders[l - 1].Advance(sizes.Count);
                // The chunk's mean layer-local loss: each mini-batch's MSE (mean over B·n_out), averaged over the mini-batches.
                double sum = 0;
                for (int k = 0; k < sizes.Count; k++)
                {
                    double batch = 0;
                    foreach (double[] errors in squared[l])
                    {
                        batch += errors[k];
                    }
                    sum += batch / ((double)sizes[k] * Layout.LayerSizes[l - 1]);
                }
                losses[l - 1] = sum / sizes.Count;
            }
            ChunkLosses = losses;
        }
        finally
        {
            foreach (var h in outputs)
            {
                if (h is null)
                {
                    continue;
                }
                foreach (var t in h)
                {
                    t?.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// The row blocks of decoders <paramref name="first"/>..<paramref name="last"/> shared among <paramref name="workers"/> by cost (rows × n_in),
    /// largest first to the least loaded; each share in decoder order.
    /// </summary>
    internal (int Layer, int Block)[][] Schedule(int first, int last, int workers)
    {
        var items = new List<(int Layer, int Block, double Cost)>();
        for (int l = first; l <= last; l++)
        {
            if (IsFrozen(l))
            {
                continue;
            }
            var blocks = _decoders[l - 1].Blocks;
            for (int b = 0; b < blocks.Count; b++)
            {
                items.Add((l, b, (double)blocks[b].Rows * blocks[b].Weight.shape[1]));
            }
        }
        workers = Math.Min(workers, items.Count);
        var shares = Enumerable.Range(0, workers).Select(_ => new List<(int Layer, int Block)>()).ToArray();
        var load = new double[workers];
        foreach (var item in items.OrderByDescending(i => i.Cost).ThenBy(i => i.Layer).ThenBy(i => i.Block))
        {
            int w = Array.IndexOf(load, load.Min());
            shares[w].Add((item.Layer, item.Block));
            load[w] += item.Cost;
        }
        return [.. shares.Select(s => s.Order().ToArray())];
    }

    /// <summary>
    /// Output rows per Adam block for a decoder [<paramref name="outputs"/>, <paramref name="inputs"/>]: the fewest
    /// equal blocks whose weight fits in <see cref="BlockBytes"/>, rounded up to a multiple of 8 rows.
    /// </summary>
    internal static int BlockRows(int inputs, int outputs)
    {
        long blocks = Math.Max(1, (4L * inputs * outputs + BlockBytes - 1) / BlockBytes);
        long rows = (outputs + blocks - 1) / blocks;
        return (int)Math.Min(outputs, (rows + 7) / 8 * 8);
    }

    private void Run(int count, Action<int> job)
    {
        if (_workers is null || count == 1)
        {
            // Inline on the calling thread (one worker, or a GPU where the device does the parallel work).
            job(0);
            return;
        }
        _workers.Run(w =>
        {
            if (w < count)
            {
                job(w);
            }
        });
    }

    /// <summary>Stops the workers and frees the optimiser state (not the network or the cascade). Not thread-safe with training.</summary>
    public override void Dispose()
    {
        _workers?.Dispose();
        foreach (var decoder in _decoders)
        {
            decoder?.Dispose();
        }
    }
}
