using System.Collections.Concurrent;
using Entropy.MLNet.Theory;

namespace Entropy.MLNet.Sweep;

/// <summary>The mean-field columns of a results row (χ_1, ξ_c) from Theory/, for the activations it knows.</summary>
internal static class SweepTheory
{
    private static readonly ConcurrentDictionary<string, MeanFieldTheory?> Theories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>χ_1 and ξ_c at (σ_w², σ_b²) for <paramref name="activation"/>; false when the theory does not know the activation or has no finite answer there.</summary>
    public static bool TryEvaluate(string activation, double sigmaW2, double sigmaB2, out double chi1, out double xiC)
    {
        chi1 = double.NaN;
        xiC = double.NaN;
        MeanFieldTheory? theory = Theories.GetOrAdd(activation ?? string.Empty,
            name => MeanFieldActivation.TryFromName(name, out MeanFieldActivation? a) ? new MeanFieldTheory(a) : null);
        if (theory is null)
        {
            return false;
        }
        DepthScale scale;
        try
        {
            scale = theory.Evaluate(sigmaW2, sigmaB2);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            return false;
        }
        if (double.IsNaN(scale.Chi1) || double.IsNaN(scale.XiC) || scale.Chi1 < 0)
        {
            return false;
        }
        chi1 = scale.Chi1;
        xiC = scale.XiC;
        return true;
    }
}
