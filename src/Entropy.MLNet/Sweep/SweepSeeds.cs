namespace Entropy.MLNet.Sweep;

/// <summary>
/// Deterministic seeds for the parts of a sweep: a SplitMix64-style mix of the sweep seed with the exact bits of the
/// configuration's values, so a configuration's seed depends on what it is, not on when or where it runs.
/// </summary>
public static class SweepSeeds
{
    private const ulong ProbeStream = 0x2545F4914F6CDD1DUL;
    private const ulong GroundTruthStream = 0x9FB21C651E98DF25UL;

    /// <summary>The probe seed of configuration (σ_w², σ_b²) in a sweep with seed <paramref name="sweepSeed"/> (non-negative).</summary>
    public static int Configuration(int sweepSeed, double sigmaW2, double sigmaB2)
        => ToSeed(Mix(Mix(Mix(ProbeStream ^ (ulong)(uint)sweepSeed) ^ Bits(sigmaW2)) ^ Bits(sigmaB2)));

    /// <summary>The ground-truth training seed of (σ_w², σ_b², depth) in a sweep with seed <paramref name="sweepSeed"/> (non-negative).</summary>
    public static int GroundTruth(int sweepSeed, double sigmaW2, double sigmaB2, int depth)
        => ToSeed(Mix(Mix(Mix(Mix(GroundTruthStream ^ (ulong)(uint)sweepSeed) ^ Bits(sigmaW2)) ^ Bits(sigmaB2)) ^ (ulong)(uint)depth));

    // +0.0 and −0.0 are the same configuration.
    private static ulong Bits(double value) => (ulong)BitConverter.DoubleToInt64Bits(value == 0 ? 0.0 : value);

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static int ToSeed(ulong z) => (int)(z & 0x7FFF_FFFF);
}
