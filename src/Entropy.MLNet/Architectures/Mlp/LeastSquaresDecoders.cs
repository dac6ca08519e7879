using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Mlp;

/// <summary>
/// The cascade's decoders in closed form instead of by one epoch of Adam: decoder ℓ is the ridge regression of its
/// target on layer ℓ's activations over the training images, fitted in the decoder's pre-activation space, so
/// C_ℓ(h) = tanh(D_ℓ·h + c_ℓ) (or D_ℓ·h + c_ℓ for a linear output) with
/// D_ℓ = Cov(t, h)·(Cov(h, h) + λ I)⁻¹ (sums over the N images; λ from <see cref="Ridge"/> and <see cref="NoiseFloor"/>) and c_ℓ = mean(t) − D_ℓ·mean(h), where t = atanh(clamp(h_ℓ−1, ±<see cref="TargetBound"/>))
/// for a tanh output and t = h_ℓ−1 for a linear one. One pass, no optimiser state, nothing undertrained: the decoder
/// is what enough images and steps would converge to in that space (the output-space MSE the authors' decoders
/// minimise weighs saturated units differently; docs/performance.md and docs/prediction.md measure what that changes).
/// <para>
/// The network is computed one layer at a time over all the images (activations [N, n_ℓ] held for one layer), so the
/// memory is a few N·n matrices and the products are large enough to run near the matmul peak.
/// </para>
/// </summary>
internal static class LeastSquaresDecoders
{
    /// <summary>
    /// λ relative to the mean variance of the decoder's input: λ ≥ Ridge·tr(Cov(h, h))/n_ℓ, so that the solve stays well
    /// conditioned whatever the layer's scale.
    /// </summary>
    public const double Ridge = 1e-3;

    /// <summary>
    /// The variance below which a direction of the decoder's input is not amplified: λ is at least NoiseFloor·N. Without
    /// it the closed form undoes any contraction the float network still resolves (ordered layers whose spread is 10⁻⁸
    /// of the input's), which no decoder trained by gradient steps does and no trained network uses; with it a layer
    /// counts as forgotten once its spread has fallen below the floor. Chosen on MNIST (docs/prediction.md): 10⁻⁵, 10⁻⁴
    /// and 10⁻³ calibrate equally well, 10⁻⁶ worse.
    /// </summary>
    public const double NoiseFloor = 1e-4;

    /// <summary>
    /// A tanh decoder's targets are clamped to ±TargetBound before atanh (atanh 0.999 ≈ 3.8): saturated units and the
    /// image's white pixels get a finite target, and they do not dominate the fit through huge pre-activations the
    /// output cannot tell apart.
    /// </summary>
    public const double TargetBound = 0.999;

    /// <summary>
    /// The training images a least-squares probe uses when none are asked for: a seeded subset of this many (all, when
    /// the set is smaller). Ten thousand is over twelve times the widest MLP layer (784), so each decoder's Gram matrix
    /// is well determined; docs/prediction.md measures the features at 5,000, 10,000 and 60,000.
    /// </summary>
    public const int DefaultImages = 10_000;

    /// <summary>
    /// The deepest layer a least-squares probe measures when its curve would go deeper: the ground truth's depths end at
    /// 100, and its calibration (<c>calibration-ls.json</c>) reads nothing deeper: its deepest answer, S = 75 layers, is
    /// reached by a collapse at layer (S/a_o)^(1/b_o) ≈ 99, and its decoder MSE ends at layer 40 (a test keeps the two in
    /// step). The layers past it cost most of a deep probe's work (the reconstruction chains grow with the square of
    /// the depth) and cannot change the prediction; their curve is NaN, as after a divergence.
    /// </summary>
    public const int MeasuredDepth = 100;

    /// <summary>Fits decoders 1..<paramref name="lastLayer"/> on <paramref name="images"/> [N, n0]; returns the FLOP spent (see <see cref="ProbeWork.LeastSquares"/>).</summary>
    /// <param name="network">The frozen network.</param>
    /// <param name="cascade">The decoders, overwritten.</param>
    /// <param name="images">The training images [N, n0] on the network's device.</param>
    /// <param name="lastLayer">The deepest decoder to fit.</param>
    /// <param name="afterLayer">Called after each decoder is fitted, with its layer.</param>
    /// <param name="ct">Cancellation, checked between layers.</param>
    public static double Fit(DeepNetwork network, Cascade cascade, Tensor images, int lastLayer, Action<int>? afterLayer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(cascade);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(lastLayer, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lastLayer, network.Depth);
        using var noGrad = no_grad();
        Tensor previous = images.alias();
        try
        {
            for (int l = 1; l <= lastLayer; l++)
            {
                ct.ThrowIfCancellationRequested();
                Tensor h;
                using (var scope = NewDisposeScope())
                {
                    h = network.ForwardLayer(l, previous);
                    Tensor target = cascade.TanhOutputs[l - 1] ? PreActivation(previous) : previous;
                    var (weight, bias) = Solve(h, target);
                    cascade.SetDecoder(l, weight, bias);
                    h.MoveToOuterDisposeScope();
                }
                previous.Dispose();
                previous = h;
                afterLayer?.Invoke(l);
            }
        }
        finally
        {
            previous.Dispose();
        }
        return ProbeWork.LeastSquares(network.LayerSizes, lastLayer, images.shape[0]);
    }

    /// <summary>atanh of the targets clamped to ±<see cref="TargetBound"/>: what a tanh output must be fed to produce them.</summary>
    internal static Tensor PreActivation(Tensor target)
    {
        using Scalar low = (-TargetBound).ToScalar();
        using Scalar high = TargetBound.ToScalar();
        return target.clamp(low, high).atanh_();
    }

    /// <summary>
    /// The ridge regression of <paramref name="target"/> [N, n_out] on <paramref name="input"/> [N, n_in] with an
    /// intercept: weight [n_out, n_in] and bias [n_out] in the input's dtype. The Gram matrices are accumulated in the
    /// input's precision after centring (so a layer sitting near a fixed point loses nothing to the offset) and solved
    /// in float64. A non-finite input (a diverging network) gives NaN parameters, as Adam would.
    /// </summary>
    internal static (Tensor Weight, Tensor Bias) Solve(Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        using var scope = NewDisposeScope();
        long nIn = input.shape[1];
        long nOut = target.shape[1];
        Tensor meanIn = input.mean([0]);
        Tensor meanOut = target.mean([0]);
        Tensor centredIn = input - meanIn;
        Tensor gram = centredIn.t().mm(centredIn).to_type(ScalarType.Float64);
        Tensor cross = centredIn.t().mm(target - meanOut).to_type(ScalarType.Float64);
        double trace = gram.trace().item<double>();
        Tensor weight;
        Tensor bias;
        if (!double.IsFinite(trace) || !cross.isfinite().all().item<bool>())
        {
            weight = full(nOut, nIn, double.NaN, dtype: input.dtype, device: input.device);
            bias = full(nOut, double.NaN, dtype: input.dtype, device: input.device);
            return (weight.MoveToOuterDisposeScope(), bias.MoveToOuterDisposeScope());
        }
        // A constant layer (trace 0) carries nothing: the decoder outputs the mean.
        double lambda = Math.Max(Math.Max(Ridge * trace / nIn, NoiseFloor * input.shape[0]), double.Epsilon);
        using Scalar ridge = lambda.ToScalar();
        Tensor system = gram.add_(eye(nIn, dtype: ScalarType.Float64, device: gram.device).mul_(ridge));
        Tensor solution = linalg.solve(system, cross);
        weight = solution.t().to_type(input.dtype).contiguous();
        bias = meanOut.to_type(ScalarType.Float64).sub(meanIn.to_type(ScalarType.Float64).matmul(solution)).to_type(input.dtype);
        return (weight.MoveToOuterDisposeScope(), bias.MoveToOuterDisposeScope());
    }
}
