using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures;

/// <summary>
/// The Adam optimiser of one decoder, as the authors give every decoder its own <c>torch.optim.Adam</c>: first and
/// second moments for the decoder's weight and bias, and the decoder's own step count.
/// <para>
/// The decoder is updated in blocks of output rows (<see cref="Blocks"/>). A decoder's outputs are independent of each
/// other — row r of the weight, entry r of the bias and output r's loss terms involve no other output — so a block's
/// gradient and Adam step are exactly the decoder's, restricted to those rows. Blocks small enough to stay in the CPU
/// cache let a trainer run several mini-batches through one block before moving on.
/// </para>
/// </summary>
internal sealed class DecoderAdam : IDisposable
{
    private readonly Tensor _weight;
    private readonly Tensor _bias;
    private readonly Tensor[] _moments;
    private readonly Block[] _blocks;
    private readonly AdamSettings _settings;

    /// <summary>Creates zero moments for <paramref name="weight"/> [n_out, n_in] and <paramref name="bias"/> [n_out], views it takes ownership of.</summary>
    /// <param name="weight">The decoder's weight, a contiguous view without gradient tracking.</param>
    /// <param name="bias">The decoder's bias.</param>
    /// <param name="settings">Adam's hyperparameters.</param>
    /// <param name="blockRows">Output rows per block (the last block may be smaller).</param>
    public DecoderAdam(Tensor weight, Tensor bias, AdamSettings settings, int blockRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        _weight = weight;
        _bias = bias;
        _settings = settings;
        var mW = zeros_like(weight).DetachFromDisposeScope();
        var vW = zeros_like(weight).DetachFromDisposeScope();
        var mB = zeros_like(bias).DetachFromDisposeScope();
        var vB = zeros_like(bias).DetachFromDisposeScope();
        _moments = [mW, vW, mB, vB];
        long rows = weight.shape[0];
        var blocks = new List<Block>();
        for (long start = 0; start < rows; start += blockRows)
        {
            long n = Math.Min(blockRows, rows - start);
            blocks.Add(new Block(start, n,
                weight.narrow(0, start, n).DetachFromDisposeScope(), bias.narrow(0, start, n).DetachFromDisposeScope(),
                mW.narrow(0, start, n).DetachFromDisposeScope(), vW.narrow(0, start, n).DetachFromDisposeScope(),
                mB.narrow(0, start, n).DetachFromDisposeScope(), vB.narrow(0, start, n).DetachFromDisposeScope()));
        }
        _blocks = [.. blocks];
    }

    /// <summary>The decoder's weight [n_out, n_in] (a view without gradient tracking).</summary>
    public Tensor Weight => _weight;

    /// <summary>The decoder's bias [n_out] (a view without gradient tracking).</summary>
    public Tensor Bias => _bias;

    /// <summary>The row blocks, in order.</summary>
    public IReadOnlyList<Block> Blocks => _blocks;

    /// <summary>Updates completed so far (Adam's t before the next one).</summary>
    public long Steps { get; private set; }

    /// <summary>
    /// Adam step number <paramref name="step"/> for block <paramref name="block"/> only, with that block's gradients.
    /// The trainer calls <see cref="Advance"/> once every block has taken its steps.
    /// </summary>
    public void StepBlock(int block, Tensor weightGradient, Tensor biasGradient, long step)
    {
        var b = _blocks[block];
        AdamUpdate.Apply(b.Weight, weightGradient, b.FirstMomentWeight, b.SecondMomentWeight, step, _settings);
        AdamUpdate.Apply(b.Bias, biasGradient, b.FirstMomentBias, b.SecondMomentBias, step, _settings);
    }

    /// <summary>Records <paramref name="steps"/> completed steps (taken block by block through <see cref="StepBlock"/>).</summary>
    public void Advance(long steps) => Steps += steps;

    /// <summary>Frees the moments and the views.</summary>
    public void Dispose()
    {
        foreach (var b in _blocks)
        {
            b.Dispose();
        }
        foreach (var m in _moments)
        {
            m.Dispose();
        }
        _weight.Dispose();
        _bias.Dispose();
    }

    /// <summary>Rows [Start, Start + Rows) of the decoder: views of its weight, bias and their moments.</summary>
    internal sealed record Block(long Start, long Rows, Tensor Weight, Tensor Bias,
        Tensor FirstMomentWeight, Tensor SecondMomentWeight, Tensor FirstMomentBias, Tensor SecondMomentBias) : IDisposable
    {
        public void Dispose()
        {
            Weight.Dispose();
            Bias.Dispose();
            FirstMomentWeight.Dispose();
            SecondMomentWeight.Dispose();
            FirstMomentBias.Dispose();
            SecondMomentBias.Dispose();
        }
    }
}
