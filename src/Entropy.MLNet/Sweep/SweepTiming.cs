namespace Entropy.MLNet.Sweep;

/// <summary>One row of <c>timings.csv</c>: how long a configuration took where (host details; never compared).</summary>
public sealed record SweepTiming
{
    /// <summary>The header of timings.csv.</summary>
    public static IReadOnlyList<string> Header { get; } = ["sigmaW2", "sigmaB2", "probeSeconds", "groundTruthSeconds", "threads", "machine"];

    /// <summary>The file name inside a results directory.</summary>
    public const string FileName = "timings.csv";

    /// <summary>Weight variance σ_w².</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b².</summary>
    public required double SigmaB2 { get; init; }

    /// <summary>Seconds spent in the probe.</summary>
    public required double ProbeSeconds { get; init; }

    /// <summary>Seconds spent training the ground truth (0 without ground truth).</summary>
    public required double GroundTruthSeconds { get; init; }

    /// <summary>TorchSharp intra-op threads.</summary>
    public required int Threads { get; init; }

    /// <summary>The machine's name (commas replaced).</summary>
    public required string Machine { get; init; }

    /// <summary>The CSV line (without '\n').</summary>
    public string ToCsv() => string.Join(',',
        SweepCsv.Format(SigmaW2), SweepCsv.Format(SigmaB2), SweepCsv.Format(Math.Round(ProbeSeconds, 3)),
        SweepCsv.Format(Math.Round(GroundTruthSeconds, 3)), SweepCsv.Format(Threads),
        Machine.Replace(',', ' ').Replace('\n', ' ').Replace('\r', ' '));

    internal static SweepTiming Parse(SweepCsv.Table table, SweepCsv.Row row) => new()
    {
        SigmaW2 = SweepCsv.ParseDouble(table, row, 0),
        SigmaB2 = SweepCsv.ParseDouble(table, row, 1),
        ProbeSeconds = SweepCsv.ParseDouble(table, row, 2),
        GroundTruthSeconds = SweepCsv.ParseDouble(table, row, 3),
        Threads = SweepCsv.ParseInt(table, row, 4),
        Machine = row.Fields[5],
    };
}
