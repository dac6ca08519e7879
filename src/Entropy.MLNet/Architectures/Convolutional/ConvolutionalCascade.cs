using Entropy.MLNet.Architectures.Residual;
using Entropy.MLNet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// The decoders of a <see cref="ConvolutionalNetwork"/>, as the authors build them: decoder ℓ maps layer ℓ's output
/// back to layer ℓ − 1's with a 3×3 transposed convolution, tanh and a crop (stride 1 and one pixel off every side for
/// the first stem layer and the blocks; stride 2 and the last row and column off for the two halving stem layers). A
/// ResNet block's decoder is two such stages. Initialisation is PyTorch's default for a transposed convolution:
/// weight and bias U(±1/√fan_in) with fan_in = out_channels·k² (the weight layout is [in, out, k, k]), drawn from a
/// private generator. The transposed convolutions use <c>functional.conv_transpose2d</c> (TorchSharp's
/// <c>nn.ConvTranspose2d</c> mishandles an asymmetric output padding, and the crop is not a padding anyway).
/// <para>
/// Not the authors': a head decoder, a linear map from the classifier head's output [classes] back to the last
/// layer's [c, H_L, W_L] (tanh for a bounded activation), trained like the others, so that a class code can be decoded
/// through the whole cascade (the ideal inputs, as the MLP's, whose last layer is its classifier). It is not part of
/// the curve, and it draws from its own stream, so the layer decoders are the same with or without it.
/// </para>
/// </summary>
internal sealed class ConvolutionalCascade : nn.Module
{
    private const ulong InitialisationStream = 0x5DEECE66DUL;
    private const ulong HeadStream = 0x9E3779B97F4A7C15UL;

    private readonly ParameterList weights;
    private readonly ParameterList biases;
    private readonly Parameter head_weight;
    private readonly Parameter head_bias;
    private readonly int[] _firstStage;
    private readonly ConvolutionalSpec _spec;

    public ConvolutionalCascade(ConvolutionalSpec spec, Device? device = null) : base("ConvolutionalCascade")
    {
        ConvolutionalValidation.Check(spec);
        _spec = spec;
        weights = new ParameterList();
        biases = new ParameterList();
        _firstStage = new int[spec.Layers + 2];
        int k = ConvolutionalDefaults.Kernel;
        Device target = device ?? CPU;
        using (no_grad())
        using (var generator = new Generator(unchecked((ulong)spec.Seed) ^ InitialisationStream))
        {
            int index = 0;
            for (int l = 1; l <= spec.Layers; l++)
            {
                _firstStage[l] = index;
                int stages = Stages(l);
                for (int j = 0; j < stages; j++)
                {
                    int cIn = spec.LayerShape(l).C;
                    int cOut = j == stages - 1 ? spec.LayerShape(l - 1).C : spec.Channels;
                    double bound = 1.0 / Math.Sqrt(cOut * k * k);
                    weights.Add(Uniform([cIn, cOut, k, k], bound, generator, target));
                    biases.Add(Uniform([cOut], bound, generator, target));
                    index++;
                }
            }
            _firstStage[spec.Layers + 1] = index;
        }
        using (no_grad())
        using (var generator = new Generator(unchecked((ulong)spec.Seed) ^ HeadStream))
        {
            // PyTorch's default for nn.Linear(classes, c·H_L·W_L): U(±1/√classes), weight [out, in].
            double bound = 1.0 / Math.Sqrt(spec.Classes);
            head_weight = Uniform([spec.LayerSize(spec.Layers), spec.Classes], bound, generator, target);
            head_bias = Uniform([spec.LayerSize(spec.Layers)], bound, generator, target);
        }
        RegisterComponents();
    }

    /// <summary>Number of decoders L.</summary>
    public int Layers => _spec.Layers;

    /// <summary>The parameters of decoder ℓ only (each decoder has its own optimiser).</summary>
    public IReadOnlyList<Parameter> DecoderParameters(int layer)
    {
        Check(layer);
        var result = new List<Parameter>();
        for (int i = _firstStage[layer]; i < _firstStage[layer + 1]; i++)
        {
            result.Add(weights[i]);
            result.Add(biases[i]);
        }
        return result;
    }

    /// <summary>The head decoder's parameters (its own optimiser).</summary>
    public IReadOnlyList<Parameter> HeadDecoderParameters() => [head_weight, head_bias];

    /// <summary>The head decoder applied to the classifier head's output [B, classes]: [B, c, H_L, W_L], the last layer's shape.</summary>
    public Tensor DecodeHead(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        using var scope = NewDisposeScope();
        var (c, h, w) = _spec.LayerShape(_spec.Layers);
        Tensor full = nn.functional.linear(code, head_weight, head_bias);
        Tensor activated = _spec.Activation.IsBounded ? full.tanh() : full;
        return activated.view(code.shape[0], c, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>Decoder ℓ applied to layer ℓ's output, giving a tensor shaped as layer ℓ − 1's output.</summary>
    public Tensor Decode(int layer, Tensor activations)
    {
        ArgumentNullException.ThrowIfNull(activations);
        Check(layer);
        using var scope = NewDisposeScope();
        Tensor x = activations;
        int stages = Stages(layer);
        bool halving = layer is 2 or 3;
        for (int j = 0; j < stages; j++)
        {
            int i = _firstStage[layer] + j;
            long stride = halving ? 2 : 1;
            Tensor full = nn.functional.conv_transpose2d(x, weights[i], biases[i], strides: [stride, stride]);
            bool lastStage = j == stages - 1;
            // Bounded activations: tanh everywhere (as the authors); unbounded ones: a linear last stage except for the
            // image (the MLP cascade's rule).
            Tensor activated = !lastStage || layer == 1 || _spec.Activation.IsBounded ? full.tanh() : full;
            long h = lastStage ? _spec.LayerShape(layer - 1).H : _spec.LayerShape(layer).H;
            long w = lastStage ? _spec.LayerShape(layer - 1).W : _spec.LayerShape(layer).W;
            long offset = halving ? 0 : 1;
            x = activated.narrow(2, offset, h).narrow(3, offset, w);
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Reconstructs the input from layer ℓ's output by chaining decoders ℓ..1; ℓ = 0 returns an alias.</summary>
    public Tensor Reconstruct(Tensor activations, int fromLayer)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentOutOfRangeException.ThrowIfLessThan(fromLayer, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromLayer, Layers);
        using var scope = NewDisposeScope();
        Tensor x = activations.alias();
        for (int l = fromLayer; l >= 1; l--)
        {
            x = Decode(l, x);
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Transposed-convolution stages of decoder ℓ.</summary>
    public int Stages(int layer) =>
        layer > ConvolutionalSpec.StemLayers && _spec.Kind == ConvolutionalKind.Residual ? ResidualBlock.DecoderStages : 1;

    private void Check(int layer)
    {
        if (layer < 1 || layer > Layers)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Decoder layer must be in 1..{Layers}; got {layer}.");
        }
    }

    private static Parameter Uniform(long[] shape, double bound, Generator generator, Device device)
    {
        // Drawn on the CPU so that the same seed gives the same decoders on every device.
        // Explicit scalars held until libtorch returns (see TorchScalars); nn.init with a generator is not used because
        // it did not reproduce from the seed here.
        using Scalar width = (2 * bound).ToScalar();
        using Scalar shift = bound.ToScalar();
        using Tensor draw = rand(shape, generator: generator).mul_(width).sub_(shift);
        return new Parameter(draw.to(device), requires_grad: true);
    }
}
