namespace Entropy.MLNet.Sweep;

/// <summary>What a sweep run did.</summary>
/// <param name="Directory">The results directory.</param>
/// <param name="Records">Every results row of the directory after the run, sorted by (σ_b², σ_w²).</param>
/// <param name="Ran">Configurations computed by this run.</param>
/// <param name="Resumed">Configurations found already done (skipped).</param>
/// <param name="Recovered">What resuming repaired (a truncated last line, orphan rows); empty when nothing.</param>
/// <param name="Seconds">Wall-clock seconds of this run.</param>
public sealed record SweepRunSummary(string Directory, IReadOnlyList<SweepRecord> Records, int Ran, int Resumed, IReadOnlyList<string> Recovered, double Seconds)
{
    /// <summary>GFLOP computed by this run's MLP probes under the FLOP model (work.csv has them per configuration); 0 when none.</summary>
    public double WorkGflop { get; init; }

    /// <summary>GFLOP the faithful method needs for the same configurations.</summary>
    public double FaithfulGflop { get; init; }
}
