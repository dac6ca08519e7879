using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>
/// The entropies of the paper: the relative entropy (KL divergence) between an input and its reconstruction, and the
/// differential entropy of a batch of reconstructions. Neither method modifies its arguments (the authors' code
/// normalises its arguments in place; here every step allocates).
/// </summary>
public static class ReconstructionEntropy
{
    /// <summary>The offset added after the min-shift so that no probability is zero, as the authors.</summary>
    public const double Offset = 1e-12;

    /// <summary>
    /// Turns each row into a probability distribution exactly as the authors: shift the row so that its minimum is 0,
    /// add <see cref="Offset"/>, divide by the row sum. Float32 in, float32 out; the argument is not modified.
    /// </summary>
    /// <param name="rows">A batch [B, P] (or a single row [P]).</param>
    public static Tensor ToDistribution(Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var scope = NewDisposeScope();
        Tensor x = rows.dim() == 1 ? rows.unsqueeze(0) : rows;
        Tensor shifted = x - x.amin([1L], keepdim: true);
        // Explicit scalars held until the call returns: an implicit temporary (and the implicit alpha = 1) can be
        // finalised by the GC while libtorch still reads it (observed under load: "Expected false to be true" from
        // c10::Scalar::toDouble in the child-process memory check).
        using (Scalar offset = Offset.ToScalar())
        using (Scalar one = 1.ToScalar())
        {
            shifted.add_(offset, one);
        }
        Tensor p = shifted / shifted.sum(1, keepdim: true);
        if (rows.dim() == 1)
        {
            p = p.squeeze(0);
        }
        return p.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The relative entropy per row, D(n) = Σ_pixels p·ln(p/q) = KL(input ‖ reconstruction) in nats, with p and q from
    /// <see cref="ToDistribution"/> of the input and the reconstruction; computed in float32 as the authors.
    /// Neither argument is modified. Invariant to adding a constant to a row of either argument and to scaling the
    /// input; scaling a reconstruction by s &gt; 0 is invariant too except through the 1e-12 offset, which adds
    /// p_j·ln s where j is the reconstruction's minimum pixel (negligible when the input is at its own minimum there, as
    /// on an image background) — the authors' definition, kept as is.
    /// </summary>
    /// <param name="input">Inputs [B, P].</param>
    /// <param name="reconstruction">Reconstructions [B, P].</param>
    /// <returns>A float32 tensor [B].</returns>
    /// <exception cref="ArgumentException">The shapes differ or are not [B, P].</exception>
    public static Tensor Relative(Tensor input, Tensor reconstruction)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reconstruction);
        if (input.dim() != 2 || !input.shape.SequenceEqual(reconstruction.shape))
        {
            throw new ArgumentException(
                $"Relative entropy needs two [B, P] batches of the same shape; got [{string.Join(", ", input.shape)}] and [{string.Join(", ", reconstruction.shape)}].",
                nameof(reconstruction));
        }
        using var scope = NewDisposeScope();
        Tensor p = ToDistribution(input.to_type(ScalarType.Float32));
        Tensor q = ToDistribution(reconstruction.to_type(ScalarType.Float32));
        Tensor kl = (p * (p / q).log_()).sum(1);
        return kl.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The differential entropy of a batch of reconstructions as the authors' <c>diff_entropy</c>: in float64, divide each
    /// row by its sum, take each pixel's unbiased standard deviation across the batch, and return the mean over pixels of
    /// ½ln(2πe) + ln σ (a Gaussian per pixel). Identical rows give −∞. Note: in the authors' pipeline this runs on
    /// reconstructions that their in-place relative entropy had already min-shifted and normalised; the probe reproduces
    /// that by passing <see cref="ToDistribution"/> of the reconstructions (see docs/parity.md).
    /// </summary>
    /// <param name="reconstructions">A batch [B, P] with B ≥ 2.</param>
    /// <exception cref="ArgumentException">Not a [B, P] batch with at least two rows.</exception>
    public static double Differential(Tensor reconstructions)
    {
        ArgumentNullException.ThrowIfNull(reconstructions);
        if (reconstructions.dim() != 2 || reconstructions.shape[0] < 2)
        {
            throw new ArgumentException(
                $"Differential entropy needs a [B, P] batch with B ≥ 2; got [{string.Join(", ", reconstructions.shape)}].",
                nameof(reconstructions));
        }
        using var scope = NewDisposeScope();
        Tensor x = reconstructions.to_type(ScalarType.Float64);
        Tensor normalised = x / x.sum(1, keepdim: true);
        Tensor std = normalised.std(0, unbiased: true);
        double constant = 0.5 * Math.Log(2 * Math.PI * Math.E);
        using Scalar c = constant.ToScalar();
        using Scalar one = 1.ToScalar();
        return std.log().add_(c, one).mean().item<double>();
    }
}
