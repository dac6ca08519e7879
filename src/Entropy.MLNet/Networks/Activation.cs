using TorchSharp;
using static TorchSharp.torch;
using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.Networks;

/// <summary>
/// A pointwise nonlinearity applied after every linear layer of a <see cref="DeepNetwork"/>: a name, a tensor function
/// and a module factory. The built-in ones are <c>tanh</c> (the paper's, and the default), <c>relu</c>,
/// <c>hardtanh</c>, <c>gelu</c>, <c>erf</c> and <c>linear</c>; <see cref="Custom"/> plugs in any other function.
/// </summary>
public sealed class Activation
{
    private readonly Func<Tensor, Tensor> _function;

    private Activation(string name, Func<Tensor, Tensor> function, bool isBounded)
    {
        Name = name;
        _function = function;
        IsBounded = isBounded;
    }

    /// <summary>The hyperbolic tangent, as the authors (default).</summary>
    public static Activation Tanh { get; } = new("tanh", x => x.tanh(), isBounded: true);

    /// <summary>The rectifier max(0, x).</summary>
    public static Activation Relu { get; } = new("relu", x => x.relu(), isBounded: false);

    /// <summary>The hard tangent clamp(x, −1, 1).</summary>
    public static Activation HardTanh { get; } = new("hardtanh", x => x.clamp(TorchScalars.MinusOne, TorchScalars.One), isBounded: true);

    /// <summary>The Gaussian error linear unit x·Φ(x) (exact, erf-based form).</summary>
    public static Activation Gelu { get; } = new("gelu", x => nn.functional.gelu(x), isBounded: false);

    /// <summary>The error function erf(x), a sigmoidal activation close to tanh whose mean-field integrals are closed-form.</summary>
    public static Activation Erf { get; } = new("erf", x => x.erf(), isBounded: true);

    /// <summary>The identity (a deep linear network).</summary>
    public static Activation Linear { get; } = new("linear", x => x.alias(), isBounded: false);

    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["tanh", "relu", "hardtanh", "gelu", "erf", "linear"];

    /// <summary>Lower-case name, e.g. <c>tanh</c>; saved with a model and shown in results.</summary>
    public string Name { get; }

    /// <summary>
    /// True when every output lies in [−1, 1]. The cascade then ends each decoder with tanh (as the authors, whose
    /// targets are tanh outputs or [0, 1] pixels); for unbounded activations the decoders that reconstruct hidden
    /// layers have a linear output so that they can reach the target's range.
    /// </summary>
    public bool IsBounded { get; }

    /// <summary>Applies the activation; returns a new tensor (never modifies <paramref name="x"/>).</summary>
    public Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return _function(x);
    }

    /// <summary>A parameter-free module applying this activation, for use in <c>Sequential</c> stacks.</summary>
    public nn.Module<Tensor, Tensor> CreateModule() => new ActivationModule(this);

    /// <summary>Parses <c>tanh</c>, <c>relu</c>, <c>hardtanh</c>, <c>gelu</c>, <c>erf</c> or <c>linear</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is none of those.</exception>
    public static Activation Parse(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "tanh" => Tanh,
        "relu" => Relu,
        "hardtanh" or "hard-tanh" or "hard_tanh" => HardTanh,
        "gelu" => Gelu,
        "erf" => Erf,
        "linear" or "identity" or "none" => Linear,
        _ => throw new ArgumentException(
            $"Unknown activation '{name}': use {string.Join(", ", BuiltInNames)}.", nameof(name)),
    };

    /// <summary>A user-defined activation.</summary>
    /// <param name="name">Name shown in results; also the name a saved model refers to.</param>
    /// <param name="function">Pointwise function; must return a new tensor and must not modify its argument.</param>
    /// <param name="isBounded">Whether every output lies in [−1, 1] (see <see cref="IsBounded"/>).</param>
    public static Activation Custom(string name, Func<Tensor, Tensor> function, bool isBounded)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(function);
        return new Activation(name.Trim(), function, isBounded);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private sealed class ActivationModule : nn.Module<Tensor, Tensor>
    {
        private readonly Activation _activation;

        public ActivationModule(Activation activation) : base(activation.Name)
        {
            _activation = activation;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => _activation.Apply(input);
    }
}
