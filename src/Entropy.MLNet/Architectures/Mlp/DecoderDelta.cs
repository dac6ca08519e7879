using System.Numerics;
using System.Runtime.InteropServices;

namespace Entropy.MLNet.Architectures.Mlp;

/// <summary>
/// A decoder's error term for its layer-local MSE, δ = s · (y − t) ⊙ act′ with act′ = 1 − y² for a tanh output and 1 for
/// a linear one, and the bias gradient Σ_rows δ, in one vectorised pass on the CPU. Libtorch needs six element-wise
/// kernels and a reduction for the same (0.7 of every 17 worker-seconds of a cascade epoch, measured); fused, the
/// values are read once while they are in the cache.
/// </summary>
internal static class DecoderDelta
{
    /// <summary>
    /// Overwrites <paramref name="y"/> [rows, columns] with δ and writes Σ_rows δ into <paramref name="biasGradient"/> [columns];
    /// returns Σ (y − t)², the block's share of the layer-local loss before the mean (read while the values are in the cache,
    /// for the adaptive budget's convergence test).
    /// </summary>
    /// <param name="y">The decoder's outputs, row-major; replaced by δ.</param>
    /// <param name="target">Memory holding the targets: row r's columns start at <paramref name="targetStart"/> + r·<paramref name="targetStride"/>.</param>
    /// <param name="rows">B.</param>
    /// <param name="columns">Outputs in <paramref name="y"/>.</param>
    /// <param name="targetStart">Index of row 0, column 0 of the targets.</param>
    /// <param name="targetStride">Distance between target rows.</param>
    /// <param name="tanhOutput">Whether y = tanh(·) (act′ = 1 − y²).</param>
    /// <param name="scale">s = 2 / (B · n_out).</param>
    /// <param name="biasGradient">Receives Σ_rows δ.</param>
    public static double Compute(Span<float> y, ReadOnlySpan<float> target, int rows, int columns, long targetStart, long targetStride,
        bool tanhOutput, float scale, Span<float> biasGradient)
    {
        if (y.Length != (long)rows * columns || biasGradient.Length != columns)
        {
            throw new ArgumentException("Buffer sizes do not match the given shape.");
        }
        biasGradient.Clear();
        var gb = MemoryMarshal.Cast<float, Vector<float>>(biasGradient);
        int vectorEnd = gb.Length * Vector<float>.Count;
        var s = new Vector<float>(scale);
        double squared = 0;
        for (int r = 0; r < rows; r++)
        {
            var rowSquared = Vector<float>.Zero;
            float tailSquared = 0;
            Span<float> yr = y.Slice(r * columns, columns);
            ReadOnlySpan<float> tr = target.Slice(checked((int)(targetStart + (r * targetStride))), columns);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(yr);
            var vt = MemoryMarshal.Cast<float, Vector<float>>(tr);
            for (int i = 0; i < vy.Length; i++)
            {
                var yi = vy[i];
                var e = yi - vt[i];
                rowSquared += e * e;
                var d = e * s;
                if (tanhOutput)
                {
                    d *= Vector<float>.One - (yi * yi);
                }
                vy[i] = d;
                gb[i] += d;
            }
            for (int j = vectorEnd; j < columns; j++)
            {
                float yj = yr[j];
                float e = yj - tr[j];
                tailSquared += e * e;
                float d = e * scale;
                if (tanhOutput)
                {
                    d *= 1 - (yj * yj);
                }
                yr[j] = d;
                biasGradient[j] += d;
            }
            squared += Vector.Sum(rowSquared) + tailSquared;
        }
        return squared;
    }
}
