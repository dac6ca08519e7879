using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.Networks;

/// <summary>What <see cref="DeepNetwork.forward"/> returns for classification (ground-truth training).</summary>
public enum ClassifierHead
{
    /// <summary>The last linear layer's pre-activation z_L, used as logits for cross-entropy (the standard head).</summary>
    Logits,

    /// <summary>φ(z_L), the activated last layer, fed to cross-entropy as logits (the authors' CNN/ResNet scripts).</summary>
    ActivatedLogits,

    /// <summary>softmax(φ(z_L)), fed to cross-entropy, which applies log-softmax again: the authors' MLP exactly.</summary>
    DoubleSoftmax,
}

/// <summary>Everything that defines a <see cref="DeepNetwork"/>.</summary>
public sealed record NetworkSpec
{
    /// <summary>Values per input (C·H·W), e.g. 784 for MNIST.</summary>
    public required int InputSize { get; init; }

    /// <summary>Number of classes (the last layer's width).</summary>
    public required int Classes { get; init; }

    /// <summary>The depth D (see <see cref="NetworkWidth"/> for how many linear layers that gives).</summary>
    public required int Depth { get; init; }

    /// <summary>The width rule; default <see cref="NetworkWidth.Wide"/>.</summary>
    public NetworkWidth Width { get; init; } = NetworkWidth.Wide;

    /// <summary>The activation after every linear layer; default tanh.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Weight variance σ_w²: W ~ N(0, σ_w²/fan_in).</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b²: b ~ N(0, σ_b²); default <see cref="ProbeDefaults.MlpSigmaB2"/> as the authors.</summary>
    public double SigmaB2 { get; init; } = ProbeDefaults.MlpSigmaB2;

    /// <summary>Seed of the private generator that draws the weights.</summary>
    public int Seed { get; init; }

    /// <summary>The classification head; default <see cref="ClassifierHead.Logits"/>.</summary>
    public ClassifierHead Head { get; init; } = ClassifierHead.Logits;
}

/// <summary>
/// A fully connected deep network: linear layers, each followed by the activation (including the last one, as the
/// authors), initialised with W ~ N(0, σ_w²/fan_in) and b ~ N(0, σ_b²) from a private seeded generator
/// (TorchSharp's global random state is never touched). <see cref="forward"/> gives the classification output;
/// <see cref="LayerOutputs"/> gives every layer's post-activation output for the reconstruction probe.
/// </summary>
public sealed class DeepNetwork : nn.Module<Tensor, Tensor>
{
    // Parameters are created directly (not through nn.Linear) because Linear's default initialisation draws from the
    // global generator; field names fix the state-dict keys used by Save/Load.
    private readonly ParameterList weights;
    private readonly ParameterList biases;
    private readonly int[] _sizes;

    private DeepNetwork(NetworkSpec spec, int[] sizes, Device? device) : base("DeepNetwork")
    {
        Spec = spec;
        _sizes = sizes;
        weights = new ParameterList();
        biases = new ParameterList();
        using (no_grad())
        using (var generator = new Generator((ulong)spec.Seed))
        {
            for (int l = 1; l < sizes.Length; l++)
            {
                double wStd = Math.Sqrt(spec.SigmaW2 / sizes[l - 1]);
                double bStd = Math.Sqrt(spec.SigmaB2);
                // Drawn on the CPU so that the same seed gives the same weights on every device.
                // Explicit scalars, held until libtorch returns (see TorchScalars).
                using Scalar wScale = wStd.ToScalar();
                using Scalar bScale = bStd.ToScalar();
                using var w = randn([sizes[l], sizes[l - 1]], generator: generator).mul_(wScale);
                using var b = randn([sizes[l]], generator: generator).mul_(bScale);
                weights.Add(new Parameter(w.to(device ?? CPU), requires_grad: true));
                biases.Add(new Parameter(b.to(device ?? CPU), requires_grad: true));
            }
        }
        RegisterComponents();
    }

    /// <summary>The specification the network was built from.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>Layer sizes n0, n1, …, nL (input first, classes last).</summary>
    public IReadOnlyList<int> LayerSizes => _sizes;

    /// <summary>Number of linear layers L.</summary>
    public int Depth => _sizes.Length - 1;

    /// <summary>The activation after every layer.</summary>
    public Activation Activation => Spec.Activation;

    /// <summary>Builds a network from <paramref name="spec"/>.</summary>
    /// <param name="spec">Sizes, activation, variances and seed.</param>
    /// <param name="device">Device for the parameters (default CPU).</param>
    /// <exception cref="ArgumentOutOfRangeException">σ_w² ≤ 0 or NaN, σ_b² &lt; 0 or NaN, depth &lt; 2.</exception>
    /// <exception cref="ArgumentException">The width rule does not fit the input size or classes.</exception>
    public static DeepNetwork Create(NetworkSpec spec, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!(spec.SigmaW2 > 0) || double.IsInfinity(spec.SigmaW2))
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.SigmaW2, $"SigmaW2 must be a finite number above 0; got {spec.SigmaW2}.");
        }
        if (!(spec.SigmaB2 >= 0) || double.IsInfinity(spec.SigmaB2))
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.SigmaB2, $"SigmaB2 must be a finite number of at least 0; got {spec.SigmaB2}.");
        }
        int[] sizes = spec.Width.LayerSizes(spec.InputSize, spec.Classes, spec.Depth);
        if (sizes.Length < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Depth, $"Depth {spec.Depth} with width '{spec.Width}' gives fewer than 2 linear layers.");
        }
        Runtime.TorchRuntime.EnsureLoaded();
        return new DeepNetwork(spec, sizes, device);
    }

    /// <summary>The weight of linear layer <paramref name="layer"/> (1-based), shape [n_ℓ, n_ℓ−1].</summary>
    public Parameter Weight(int layer) => weights[CheckLayer(layer) - 1];

    /// <summary>The bias of linear layer <paramref name="layer"/> (1-based), shape [n_ℓ].</summary>
    public Parameter Bias(int layer) => biases[CheckLayer(layer) - 1];

    /// <summary>Applies linear layer <paramref name="layer"/> (1-based) and the activation: φ(W_ℓ x + b_ℓ).</summary>
    public Tensor ForwardLayer(int layer, Tensor input)
    {
        int i = CheckLayer(layer) - 1;
        using var z = nn.functional.linear(input, weights[i], biases[i]);
        return Spec.Activation.Apply(z);
    }

    /// <summary>The classification output for a batch [B, n0] (see <see cref="ClassifierHead"/>): feed it to <see cref="Loss"/>.</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        Tensor x = input;
        for (int l = 1; l < Depth; l++)
        {
            x = ForwardLayer(l, x);
        }
        Tensor zL = nn.functional.linear(x, weights[Depth - 1], biases[Depth - 1]);
        Tensor output = Spec.Head switch
        {
            ClassifierHead.Logits => zL,
            ClassifierHead.ActivatedLogits => Spec.Activation.Apply(zL),
            _ => nn.functional.softmax(Spec.Activation.Apply(zL), 1),
        };
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Cross-entropy (mean over the batch) of a <see cref="forward"/> output against integer labels.</summary>
    /// <param name="output">The output of <see cref="forward"/>, [B, classes].</param>
    /// <param name="labels">Labels [B] (int64).</param>
    public static Tensor Loss(Tensor output, Tensor labels) => nn.functional.cross_entropy(output, labels);

    /// <summary>
    /// Every layer's post-activation output for a batch [B, n0], without gradients: element 0 is the input itself
    /// (an alias), element ℓ is φ(z_ℓ) of shape [B, n_ℓ], for ℓ = 1..L. The caller owns (disposes) the tensors.
    /// </summary>
    public Tensor[] LayerOutputs(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var noGrad = no_grad();
        var outputs = new Tensor[Depth + 1];
        outputs[0] = input.alias();
        for (int l = 1; l <= Depth; l++)
        {
            outputs[l] = ForwardLayer(l, outputs[l - 1]);
        }
        return outputs;
    }

    private int CheckLayer(int layer)
    {
        if (layer < 1 || layer > Depth)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Layers are numbered 1..{Depth}.");
        }
        return layer;
    }
}
