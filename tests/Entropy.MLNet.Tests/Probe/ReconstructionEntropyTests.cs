using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Probe;

[TestClass]
public sealed class ReconstructionEntropyTests
{
    [ClassInitialize]
    public static void Init(TestContext context) => TorchRuntime.EnsureLoaded();

    private static Tensor Rows(int seed, long b = 5, long p = 49)
    {
        using var g = new Generator((ulong)seed);
        return rand([b, p], generator: g);
    }

    [TestMethod]
    public void Relative_IdenticalRows_IsZero()
    {
        using var x = Rows(1);
        using var d = ReconstructionEntropy.Relative(x, x.clone());
        Assert.AreEqual(ScalarType.Float32, d.dtype);
        Assert.AreEqual(5L, d.shape[0]);
        Assert.IsTrue(d.abs().max().item<float>() < 1e-6f);
    }

    [TestMethod]
    public void Relative_DifferentRows_IsPositive()
    {
        using var x = Rows(1);
        using var y = Rows(2);
        using var d = ReconstructionEntropy.Relative(x, y);
        Assert.IsTrue(d.min().item<float>() > 0f);
    }

    [TestMethod]
    public void Relative_PerRowShiftAndPositiveScale_Invariant()
    {
        // Both rows take their minimum at the same pixel (as MNIST digits and their reconstructions on the background):
        // the 1e-12 offset then makes no difference. (Where the reconstruction's minimum meets input mass p_j, scaling
        // the reconstruction by s adds p_j·ln s: the offset's one departure from scale invariance, as the authors'.)
        using var x = Rows(3);
        using var y = Rows(4);
        x[TensorIndex.Colon, 0] = tensor(-1f);
        y[TensorIndex.Colon, 0] = tensor(-1f);
        using var shift = Rows(5, 5, 1).mul(10).sub(5);
        using var scale = Rows(6, 5, 1).mul(4).add(0.5);
        using var d = ReconstructionEntropy.Relative(x, y);
        using var shiftedY = y + shift;
        using var scaledX = x * scale;
        using var d1 = ReconstructionEntropy.Relative(x, shiftedY);
        using var d2 = ReconstructionEntropy.Relative(scaledX, y);
        using var d3 = ReconstructionEntropy.Relative(x + shift, y * scale);
        Assert.IsTrue(d.allclose(d1, rtol: 1e-4, atol: 1e-6));
        Assert.IsTrue(d.allclose(d2, rtol: 1e-4, atol: 1e-6));
        Assert.IsTrue(d.allclose(d3, rtol: 1e-4, atol: 1e-6));
    }

    [TestMethod]
    public void Relative_InputsUntouched()
    {
        using var x = Rows(7);
        using var y = Rows(8);
        using var x0 = x.clone();
        using var y0 = y.clone();
        using var d = ReconstructionEntropy.Relative(x, y);
        Assert.IsTrue(x.Equals(x0));
        Assert.IsTrue(y.Equals(y0));
    }

    [TestMethod]
    public void Relative_KnownValue_MatchesHandComputedKlInNats()
    {
        // Row [0, 1, 3] → p = [ε, 1, 3]/(4+ε); row [1, 2, 2] → q = [ε, 1, 1]/(2+ε): KL ≈ ¼ln(½) + ¾ln(3/2).
        using var x = tensor(new float[] { 0, 1, 3 }, [1, 3]);
        using var y = tensor(new float[] { 1, 2, 2 }, [1, 3]);
        using var d = ReconstructionEntropy.Relative(x, y);
        double expected = (0.25 * Math.Log(0.5)) + (0.75 * Math.Log(1.5));
        Assert.AreEqual(expected, d.item<float>(), 1e-6);
    }

    [TestMethod]
    public void Relative_ShapeMismatch_Throws()
    {
        using var x = Rows(1, 2, 4);
        using var y = Rows(1, 2, 5);
        Assert.ThrowsExactly<ArgumentException>(() => ReconstructionEntropy.Relative(x, y));
    }

    [TestMethod]
    public void ToDistribution_Rows_MinShiftedAndSumToOne()
    {
        using var x = Rows(9).sub(0.3);
        using var p = ReconstructionEntropy.ToDistribution(x);
        using var sums = p.sum(1);
        Assert.IsTrue(sums.allclose(ones(5), rtol: 1e-5, atol: 1e-6));
        Assert.IsTrue(p.min().item<float>() > 0f);
        Assert.IsTrue(p.amin([1L]).max().item<float>() < 1e-9f);
    }

    [TestMethod]
    public void Differential_KnownSpread_MatchesGaussianFormula()
    {
        // Rows normalised to sum 1: each pixel's values across the batch have a known unbiased std.
        var data = new float[] { 1, 3, 3, 1 };
        using var x = tensor(data, [2, 2]);
        // After row normalisation: [0.25, 0.75], [0.75, 0.25]; per-pixel std (n-1) = 0.5/√2.
        double std = 0.5 / Math.Sqrt(2);
        double expected = (0.5 * Math.Log(2 * Math.PI * Math.E)) + Math.Log(std);
        Assert.AreEqual(expected, ReconstructionEntropy.Differential(x), 1e-12);
    }

    [TestMethod]
    public void Differential_IdenticalRows_IsMinusInfinity()
    {
        using var x = ones(4, 6);
        Assert.AreEqual(double.NegativeInfinity, ReconstructionEntropy.Differential(x));
    }

    [TestMethod]
    public void Differential_OneRow_Throws()
    {
        using var x = ones(1, 6);
        Assert.ThrowsExactly<ArgumentException>(() => ReconstructionEntropy.Differential(x));
    }
}
