using Entropy.MLNet.Architectures.Residual;
using Entropy.MLNet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// The authors' CNN or ResNet (see <see cref="ConvolutionalSpec"/>), initialised with W ~ N(0, σ_w²/(C_in·k²)) and
/// b ~ N(0, σ_b²) for every convolution and W ~ N(0, σ_w²/c) for the bias-free classifier, all from a private seeded
/// generator. <see cref="LayerOutput"/> gives one layer's output for the probe; <see cref="forward"/> the classifier's
/// output φ(z) used as logits, as the authors' CNN/ResNet training (no softmax).
/// </summary>
internal sealed class ConvolutionalNetwork : nn.Module<Tensor, Tensor>
{
    // Raw parameters rather than nn.Conv2d: Conv2d's default initialisation draws from the global generator. The
    // field names fix the state-dict keys used by save/load.
    private readonly ParameterList weights;
    private readonly ParameterList biases;
    private readonly Parameter head_weight;
    private readonly Parameter head_bias;
    private readonly Parameter classifier;
    private readonly int[] _firstConvolution;

    public ConvolutionalNetwork(ConvolutionalSpec spec, Device? device = null) : base("ConvolutionalNetwork")
    {
        ConvolutionalValidation.Check(spec);
        Spec = spec;
        weights = new ParameterList();
        biases = new ParameterList();
        _firstConvolution = new int[spec.Layers + 2];
        int k = ConvolutionalDefaults.Kernel;
        Device target = device ?? CPU;
        using (no_grad())
        using (var generator = new Generator(unchecked((ulong)spec.Seed)))
        {
            int index = 0;
            for (int l = 1; l <= spec.Layers; l++)
            {
                _firstConvolution[l] = index;
                for (int j = 0; j < spec.ConvolutionsIn(l); j++)
                {
                    int cIn = j == 0 ? spec.LayerShape(l - 1).C : spec.Channels;
                    weights.Add(Gaussian([spec.Channels, cIn, k, k], spec.SigmaW2 / (cIn * k * k), generator, target));
                    biases.Add(Gaussian([spec.Channels], spec.SigmaB2, generator, target));
                    index++;
                }
            }
            _firstConvolution[spec.Layers + 1] = index;
            head_weight = Gaussian([spec.Channels, spec.Channels, k, k], spec.SigmaW2 / (spec.Channels * k * k), generator, target);
            head_bias = Gaussian([spec.Channels], spec.SigmaB2, generator, target);
            classifier = Gaussian([spec.Classes, spec.Channels], spec.SigmaW2 / spec.Channels, generator, target);
        }
        RegisterComponents();
    }

    /// <summary>What the network was built from.</summary>
    public ConvolutionalSpec Spec { get; }

    /// <summary>Decoded layers L.</summary>
    public int Layers => Spec.Layers;

    /// <summary>Layer ℓ (1..L) applied to layer ℓ − 1's output [B, C, H, W].</summary>
    public Tensor LayerOutput(int layer, Tensor previous)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layer, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layer, Spec.Layers);
        int i = _firstConvolution[layer];
        if (layer <= ConvolutionalSpec.StemLayers)
        {
            long stride = layer == 1 ? 1 : 2;
            return Spec.Activation.Apply(Convolve(previous, i, stride, padding: 1));
        }
        if (Spec.Kind == ConvolutionalKind.Residual)
        {
            return ResidualBlock.Forward(previous, x => Convolve(x, i, 1, 0), x => Convolve(x, i + 1, 1, 0), Spec.Activation);
        }
        using var scope = NewDisposeScope();
        Tensor activated = Spec.Activation.Apply(Convolve(previous, i, 1, 0));
        return CircularPad(activated).MoveToOuterDisposeScope();
    }

    /// <summary>The input as a batch of images [B, C, H, W] (a flat [B, C·H·W] batch is viewed as images).</summary>
    public Tensor AsImages(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (c, h, w) = Spec.LayerShape(0);
        if (input.dim() == 2 && input.shape[1] == (long)c * h * w)
        {
            return input.view(input.shape[0], c, h, w);
        }
        if (input.dim() == 4 && input.shape[1] == c && input.shape[2] == h && input.shape[3] == w)
        {
            return input.alias();
        }
        throw new ArgumentException($"Expected a batch [B, {c * h * w}] or [B, {c}, {h}, {w}]; got [{string.Join(", ", input.shape)}].", nameof(input));
    }

    /// <summary>The classifier output φ(W·mean(φ(conv(h_L)))) for a batch, used as logits (the authors' CNN/ResNet head).</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = AsImages(input);
        for (int l = 1; l <= Spec.Layers; l++)
        {
            x = LayerOutput(l, x);
        }
        return Head(x).MoveToOuterDisposeScope();
    }

    /// <summary>The classifier head φ(W·mean(φ(conv(h_L)))) applied to the last layer's output [B, c, H_L, W_L]: [B, classes].</summary>
    public Tensor Head(Tensor last)
    {
        ArgumentNullException.ThrowIfNull(last);
        using var scope = NewDisposeScope();
        // The authors average-pool the 5×5 map whole; the mean over the map is the same for any input size.
        Tensor pooled = Spec.Activation.Apply(nn.functional.conv2d(last, head_weight, head_bias)).mean([2L, 3L]);
        return Spec.Activation.Apply(pooled.matmul(classifier.t())).MoveToOuterDisposeScope();
    }

    /// <summary>Number of convolution weights and biases of the decoded layers and the head.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Circular padding by one on both sides of both spatial dimensions.</summary>
    internal static Tensor CircularPad(Tensor x) => nn.functional.pad(x, [1L, 1L, 1L, 1L], PaddingModes.Circular);

    private Tensor Convolve(Tensor x, int index, long stride, long padding) =>
        nn.functional.conv2d(x, weights[index], biases[index], strides: [stride, stride], padding: [padding, padding]);

    private static Parameter Gaussian(long[] shape, double variance, Generator generator, Device device)
    {
        // Drawn on the CPU so that the same seed gives the same weights on every device; explicit scalars (see TorchScalars).
        using Scalar std = Math.Sqrt(variance).ToScalar();
        using Tensor draw = randn(shape, generator: generator).mul_(std);
        return new Parameter(draw.to(device), requires_grad: true);
    }
}
