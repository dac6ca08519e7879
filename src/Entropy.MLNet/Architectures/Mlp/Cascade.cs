using System.Runtime.InteropServices;
using Entropy.MLNet.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.Architectures.Mlp;

/// <summary>
/// The cascade of single-layer decoders: decoder ℓ (ℓ = 1..L) maps layer ℓ's activations [B, n_ℓ] back to layer
/// ℓ−1's [B, n_ℓ−1] through Linear(n_ℓ → n_ℓ−1) and an output nonlinearity (tanh as the authors; linear for the hidden
/// targets of unbounded activations, see <see cref="Activation.IsBounded"/>); decoder 1 reconstructs the input.
/// Chaining decoders ℓ..1 turns layer ℓ's activations into an image (<see cref="Reconstruct"/>).
/// <para>
/// Decoders of equal shape that follow each other are stored stacked in one <see cref="DecoderGroup"/> (weight
/// [G, n_out, n_in]) so that reconstructions and <see cref="LocalLosses"/> apply them with one batched matrix product;
/// each decoder's parameters are still its own slice, drawn independently (PyTorch's default U(±1/√fan_in),
/// fan_in = n_ℓ) from the private generator, so the grouping never changes the numbers' distribution. Training
/// (<see cref="CascadeTrainer"/>) updates each decoder's slice separately.
/// </para>
/// </summary>
public sealed class Cascade : nn.Module
{
    private readonly ModuleList<DecoderGroup> groups;
    private readonly int[] _sizes;
    private readonly bool[] _tanhOutput;
    private readonly (int Group, int Index)[] _where;

    /// <summary>Creates the decoders for a network with layer sizes <paramref name="layerSizes"/>.</summary>
    /// <param name="layerSizes">n0..nL of the deep network.</param>
    /// <param name="activation">The network's activation (decides the decoders' output nonlinearity).</param>
    /// <param name="seed">Seed of the private generator that draws the initial parameters.</param>
    /// <param name="device">Device for the parameters (default CPU).</param>
    public Cascade(IReadOnlyList<int> layerSizes, Activation activation, int seed, Device? device = null)
        : this(layerSizes, DefaultTanhOutputs(layerSizes, activation), seed, device)
    {
    }

    /// <summary>Creates the decoders with an explicit choice of output nonlinearity per decoder (index 0 = decoder 1).</summary>
    /// <param name="layerSizes">n0..nL of the deep network.</param>
    /// <param name="tanhOutput">For each decoder: true for a tanh output, false for a linear one.</param>
    /// <param name="seed">Seed of the private generator that draws the initial parameters.</param>
    /// <param name="device">Device for the parameters (default CPU).</param>
    public Cascade(IReadOnlyList<int> layerSizes, IReadOnlyList<bool> tanhOutput, int seed, Device? device = null) : base("Cascade")
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(tanhOutput);
        if (layerSizes.Count < 2)
        {
            throw new ArgumentException("A cascade needs at least two layer sizes.", nameof(layerSizes));
        }
        if (tanhOutput.Count != layerSizes.Count - 1)
        {
            throw new ArgumentException($"Need one output flag per decoder ({layerSizes.Count - 1}); got {tanhOutput.Count}.", nameof(tanhOutput));
        }
        _sizes = [.. layerSizes];
        _tanhOutput = [.. tanhOutput];
        int depth = _sizes.Length - 1;
        _where = new (int, int)[depth + 1];
        groups = new ModuleList<DecoderGroup>();
        using (no_grad())
        using (var generator = new Generator(unchecked((ulong)seed) ^ 0x5DEECE66DUL))
        {
            int first = 1;
            while (first <= depth)
            {
                int last = first;
                while (last < depth && SameShape(first, last + 1))
                {
                    last++;
                }
                int g = groups.Count;
                for (int l = first; l <= last; l++)
                {
                    _where[l] = (g, l - first);
                }
                groups.Add(new DecoderGroup(first, last - first + 1, _sizes[first], _sizes[first - 1], _tanhOutput[first - 1], generator, device ?? CPU));
                first = last + 1;
            }
        }
        RegisterComponents();
    }

    /// <summary>Number of decoders L (one per linear layer).</summary>
    public int Depth => _sizes.Length - 1;

    /// <summary>The deep network's layer sizes n0..nL.</summary>
    public IReadOnlyList<int> LayerSizes => _sizes;

    /// <summary>Whether decoder ℓ (index ℓ − 1) ends with tanh (true) or is linear (false).</summary>
    public IReadOnlyList<bool> TanhOutputs => _tanhOutput;

    /// <summary>The stacked decoder groups, shallowest first.</summary>
    internal IReadOnlyList<DecoderGroup> Groups => [.. groups];

    /// <summary>The decoders' output nonlinearity for a network: tanh everywhere for bounded activations (as the authors); otherwise tanh only for decoder 1, whose target is the [0, 1] image.</summary>
    public static bool[] DefaultTanhOutputs(IReadOnlyList<int> layerSizes, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(activation);
        var flags = new bool[layerSizes.Count - 1];
        for (int i = 0; i < flags.Length; i++)
        {
            flags[i] = i == 0 || activation.IsBounded;
        }
        return flags;
    }

    /// <summary>Applies decoder <paramref name="layer"/> (1-based) to layer ℓ's activations [B, n_ℓ], giving [B, n_ℓ−1].</summary>
    public Tensor Decode(int layer, Tensor activations)
    {
        ArgumentNullException.ThrowIfNull(activations);
        var (g, i) = _where[CheckLayer(layer)];
        return groups[g].Decode(i, activations);
    }

    /// <summary>Reconstructs the input from layer <paramref name="fromLayer"/>'s activations by chaining decoders ℓ..1; layer 0 returns a copy.</summary>
    /// <param name="activations">Layer ℓ's activations [B, n_ℓ].</param>
    /// <param name="fromLayer">ℓ in 0..L.</param>
    /// <returns>[B, n0].</returns>
    public Tensor Reconstruct(Tensor activations, int fromLayer)
    {
        ArgumentNullException.ThrowIfNull(activations);
        if (fromLayer < 0 || fromLayer > Depth)
        {
            throw new ArgumentOutOfRangeException(nameof(fromLayer), fromLayer, $"Layers are numbered 0..{Depth}.");
        }
        if (fromLayer == 0)
        {
            return activations.clone();
        }
        using var scope = NewDisposeScope();
        Tensor x = activations;
        for (int l = fromLayer; l >= 1; l--)
        {
            x = Decode(l, x);
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Reconstructions of the input from every layer 1..<paramref name="upToLayer"/> at once: element ℓ − 1 is
    /// C_1(…C_ℓ(h_ℓ)) of shape [B, n0]. Costs the same O(L²) decoder applications as one chain per layer but applies
    /// each decoder once, to all the partial reconstructions that pass through it, stacked into one batch.
    /// </summary>
    /// <param name="layerOutputs">h_0..h_L from <see cref="DeepNetwork.LayerOutputs"/> (h_0, the input, is not used).</param>
    /// <param name="upToLayer">The deepest layer to reconstruct from (1..L).</param>
    public Tensor[] ReconstructAll(IReadOnlyList<Tensor> layerOutputs, int upToLayer)
    {
        ArgumentNullException.ThrowIfNull(layerOutputs);
        if (upToLayer < 1 || upToLayer > Depth || layerOutputs.Count <= upToLayer)
        {
            throw new ArgumentOutOfRangeException(nameof(upToLayer), upToLayer, $"Need 1 ≤ upToLayer ≤ {Math.Min(Depth, layerOutputs.Count - 1)}.");
        }
        long b = layerOutputs[upToLayer].shape[0];
        using var scope = NewDisposeScope();
        // Rows of `partial` are blocks of B: at step ℓ they hold h_ℓ followed by the partial reconstructions from ℓ+1..upToLayer.
        Tensor partial = Decode(upToLayer, layerOutputs[upToLayer]);
        for (int l = upToLayer - 1; l >= 1; l--)
        {
            partial = Decode(l, cat([layerOutputs[l], partial], 0));
        }
        var result = new Tensor[upToLayer];
        for (int l = 1; l <= upToLayer; l++)
        {
            result[l - 1] = partial.narrow(0, (l - 1) * b, b).MoveToOuterDisposeScope();
        }
        return result;
    }

    /// <summary>
    /// Each decoder's layer-local training loss on one batch: loss_ℓ = MSE(C_ℓ(h_ℓ), h_ℓ−1) (mean over all elements),
    /// for ℓ = <paramref name="firstLayer"/>..<paramref name="lastLayer"/>, returned as a tensor [count] that carries
    /// gradients to the decoders only (the layer outputs come from the frozen network). The losses are independent, so a
    /// backward pass on their sum gives every decoder exactly the gradient of its own loss.
    /// </summary>
    /// <param name="layerOutputs">h_0..h_L of the batch, without gradients.</param>
    /// <param name="firstLayer">First decoder to include (default 1).</param>
    /// <param name="lastLayer">Last decoder to include (default L); an adaptive cascade can stop early by lowering it.</param>
    public Tensor LocalLosses(IReadOnlyList<Tensor> layerOutputs, int firstLayer = 1, int lastLayer = -1)
    {
        ArgumentNullException.ThrowIfNull(layerOutputs);
        if (lastLayer < 0)
        {
            lastLayer = Depth;
        }
        if (firstLayer < 1 || lastLayer > Depth || firstLayer > lastLayer || layerOutputs.Count <= lastLayer)
        {
            throw new ArgumentOutOfRangeException(nameof(lastLayer), $"Need 1 ≤ firstLayer ≤ lastLayer ≤ {Depth} and layer outputs up to lastLayer.");
        }
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (var group in groups)
        {
            int a = Math.Max(group.FirstLayer, firstLayer);
            int z = Math.Min(group.FirstLayer + group.Count - 1, lastLayer);
            if (a <= z)
            {
                parts.Add(group.LocalLosses(layerOutputs, a - group.FirstLayer, z - a + 1));
            }
        }
        return (parts.Count == 1 ? parts[0] : cat(parts, 0)).MoveToOuterDisposeScope();
    }

    /// <summary>Sets decoder <paramref name="layer"/>'s weight [n_ℓ−1, n_ℓ] and bias [n_ℓ−1] (copied into its slice of the stacked parameters).</summary>
    internal void SetDecoder(int layer, Tensor weight, Tensor bias)
    {
        var (g, i) = _where[CheckLayer(layer)];
        var (w, b) = groups[g].TrainingViews(i);
        using (w)
        using (b)
        using (no_grad())
        {
            w.copy_(weight);
            b.copy_(bias);
        }
    }

    private bool SameShape(int a, int b) =>
        _sizes[a] == _sizes[b] && _sizes[a - 1] == _sizes[b - 1] && _tanhOutput[a - 1] == _tanhOutput[b - 1];

    private int CheckLayer(int layer)
    {
        if (layer < 1 || layer > Depth)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Decoders are numbered 1..{Depth}.");
        }
        return layer;
    }
}

/// <summary>
/// G consecutive decoders of the same shape stored stacked: weight [G, n_out, n_in] and bias [G, n_out] (decoder j of the
/// group is the slice j, i.e. decoder <see cref="FirstLayer"/> + j).
/// </summary>
internal sealed class DecoderGroup : nn.Module
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly bool _tanh;

    internal DecoderGroup(int firstLayer, int count, int inputSize, int outputSize, bool tanhOutput, Generator generator, Device device)
        : base($"DecoderGroup{firstLayer}")
    {
        FirstLayer = firstLayer;
        Count = count;
        InputSize = inputSize;
        OutputSize = outputSize;
        _tanh = tanhOutput;
        double bound = 1.0 / Math.Sqrt(inputSize);
        var ws = new Tensor[count];
        var bs = new Tensor[count];
        // Per decoder: weight then bias, each U(−1/√fan_in, 1/√fan_in) as PyTorch's nn.Linear default.
        // Explicit scalars, held until libtorch returns (see TorchScalars).
        using (Scalar width = (2 * bound).ToScalar())
        using (Scalar shift = bound.ToScalar())
        {
            for (int j = 0; j < count; j++)
            {
                ws[j] = rand([outputSize, inputSize], generator: generator).mul_(width).sub_(shift);
                bs[j] = rand([outputSize], generator: generator).mul_(width).sub_(shift);
            }
        }
        using var w = stack(ws, 0);
        using var b = stack(bs, 0);
        foreach (var t in ws.Concat(bs))
        {
            t.Dispose();
        }
        weight = new Parameter(w.to(device), requires_grad: true);
        bias = new Parameter(b.to(device), requires_grad: true);
        RegisterComponents();
    }

    /// <summary>The layer of the first decoder in the group (1-based).</summary>
    public int FirstLayer { get; }

    /// <summary>Number of decoders G.</summary>
    public int Count { get; }

    /// <summary>n_ℓ: what each decoder reads.</summary>
    public int InputSize { get; }

    /// <summary>n_ℓ−1: what each decoder writes.</summary>
    public int OutputSize { get; }

    /// <summary>Whether the decoders end with tanh.</summary>
    public bool TanhOutput => _tanh;

    /// <summary>The stacked weights [G, n_out, n_in].</summary>
    public Parameter Weight => weight;

    /// <summary>The stacked biases [G, n_out].</summary>
    public Parameter Bias => bias;

    /// <summary>Applies decoder <paramref name="index"/> of the group to [B, n_in].</summary>
    public Tensor Decode(int index, Tensor activations)
    {
        using var scope = NewDisposeScope();
        Tensor y = nn.functional.linear(activations, weight[index], bias[index]);
        return (_tanh ? y.tanh_() : y).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Decoder <paramref name="index"/>'s weight [n_out, n_in] and bias [n_out] as views of the stacked parameters that
    /// track no gradients, for a trainer that updates them in place. The caller owns (and disposes) the views.
    /// </summary>
    internal (Tensor Weight, Tensor Bias) TrainingViews(int index)
    {
        using var w = weight.detach();
        using var b = bias.detach();
        return (w[index].DetachFromDisposeScope(), b[index].DetachFromDisposeScope());
    }

    /// <summary>
    /// The gradient of one decoder's layer-local loss MSE(C(h), t) (mean over all B·n_out elements), in closed form:
    /// with y = act(h·Wᵀ + b), δ = (2 / (B·n_out)) (y − t) ⊙ act′, where act′ = 1 − y² for tanh and 1 for a linear output;
    /// ∂W = δᵀ·h and ∂b = Σ_rows δ. The same numbers autograd gives for <see cref="LocalLosses"/> (tested), without
    /// building a graph: the decoders train on many small batches, where the graph's bookkeeping costs as much as the
    /// maths. Outputs are independent, so <paramref name="weight"/> and <paramref name="bias"/> may be a block of the
    /// decoder's output rows, R of its n_out outputs, starting at output <paramref name="firstOutput"/>.
    /// </summary>
    /// <param name="weight">[R, n_in]: the decoder's weight or a block of its rows.</param>
    /// <param name="bias">[R]: the matching bias entries.</param>
    /// <param name="tanhOutput">Whether the decoder ends with tanh.</param>
    /// <param name="input">h_ℓ [B, n_in].</param>
    /// <param name="target">h_ℓ−1 [B, n_out], all of the decoder's outputs (contiguous rows).</param>
    /// <param name="firstOutput">The block's first output (0 for the whole decoder).</param>
    /// <param name="weightGradient">Optional [R, n_in] buffer for ∂W (returned); the same memory every step stays in the cache.</param>
    /// <param name="measureLoss">
    /// Whether to return the block's Σ (y − t)² on the tensor path too (one more reduction and, on a GPU, a device sync);
    /// the CPU's fused path always measures it, at no cost. Not measured: NaN.
    /// </param>
    /// <returns>∂W, ∂b and the block's squared error Σ (y − t)² before the mean.</returns>
    internal static (Tensor Weight, Tensor Bias, double SquaredError) LocalGradients(Tensor weight, Tensor bias, bool tanhOutput, Tensor input, Tensor target,
        long firstOutput = 0, Tensor? weightGradient = null, bool measureLoss = false)
    {
        using var scope = NewDisposeScope();
        long rows = input.shape[0];
        long block = weight.shape[0];
        long outputs = target.shape[1];
        double scale = 2.0 / (rows * outputs);
        Tensor y = addmm(bias, input, weight.t(), 1, 1);
        if (tanhOutput)
        {
            y.tanh_();
        }
        Tensor gb;
        double squared = double.NaN;
        if (y.device_type == DeviceType.CPU && y.dtype == ScalarType.Float32 && target.dtype == ScalarType.Float32 && target.is_contiguous())
        {
            gb = empty(block, ScalarType.Float32);
            squared = DecoderDelta.Compute(MemoryMarshal.Cast<byte, float>(y.bytes), MemoryMarshal.Cast<byte, float>(target.bytes), (int)rows, (int)block,
                firstOutput, outputs, tanhOutput, (float)scale, MemoryMarshal.Cast<byte, float>(gb.bytes));
        }
        else
        {
            Tensor t = target.narrow(1, firstOutput, block);
            if (measureLoss)
            {
                squared = y.sub(t).square().sum().to_type(ScalarType.Float64).item<double>();
            }
            using Scalar scaleScalar = scale.ToScalar();
            Tensor delta = tanhOutput ? y.sub(t).mul_(y.square().neg_().add_(TorchScalars.One, TorchScalars.One)) : y.sub(t);
            y = delta.mul_(scaleScalar);
            gb = y.sum(0L);
        }
        gb.MoveToOuterDisposeScope();
        if (weightGradient is not null)
        {
            // β = 0: the buffer's old contents are ignored.
            weightGradient.addmm_(y.t(), input, 0, 1);
            return (weightGradient, gb, squared);
        }
        return (y.t().mm(input).MoveToOuterDisposeScope(), gb, squared);
    }

    /// <summary>Losses [count] of decoders index..index+count−1 against their layer-local targets (see <see cref="Cascade.LocalLosses"/>).</summary>
    internal Tensor LocalLosses(IReadOnlyList<Tensor> layerOutputs, int index, int count)
    {
        using var scope = NewDisposeScope();
        int layer = FirstLayer + index;
        Tensor losses;
        if (count == 1)
        {
            Tensor y = Decode(index, layerOutputs[layer]);
            losses = nn.functional.mse_loss(y, layerOutputs[layer - 1]).reshape(1);
        }
        else
        {
            // One batched product for all decoders of the group: [G, B, n_in] × [G, n_in, n_out] + [G, 1, n_out].
            var inputs = new Tensor[count];
            var targets = new Tensor[count];
            for (int j = 0; j < count; j++)
            {
                inputs[j] = layerOutputs[layer + j];
                targets[j] = layerOutputs[layer + j - 1];
            }
            Tensor x = stack(inputs, 0);
            Tensor t = stack(targets, 0);
            Tensor w = count == Count ? weight : weight.narrow(0, index, count);
            Tensor b = count == Count ? bias : bias.narrow(0, index, count);
            // (TorchSharp 0.107's baddbmm binding mixes up its arguments, so bmm then add.)
            Tensor y = x.bmm(w.transpose(1, 2)).add_(b.unsqueeze(1), TorchScalars.One);
            if (_tanh)
            {
                y = y.tanh();
            }
            losses = (y - t).square().mean([1, 2]);
        }
        return losses.MoveToOuterDisposeScope();
    }
}
