namespace Entropy.MLNet.Sweep;

/// <summary>One row of <c>groundtruth.csv</c>: one trained (σ_w², σ_b², depth) network and whether it reached the threshold.</summary>
public sealed record GroundTruthRecord
{
    /// <summary>The exact header of groundtruth.csv.</summary>
    public static IReadOnlyList<string> Header { get; } = ["sigmaW2", "sigmaB2", "depth", "trainable", "bestTestAccuracy", "epochs"];

    /// <summary>The file name inside a results directory.</summary>
    public const string FileName = "groundtruth.csv";

    /// <summary>Weight variance σ_w².</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b².</summary>
    public required double SigmaB2 { get; init; }

    /// <summary>The trained network's depth D.</summary>
    public required int Depth { get; init; }

    /// <summary>Whether test accuracy reached the threshold within the epoch budget.</summary>
    public required bool Trainable { get; init; }

    /// <summary>The best test accuracy over the epochs run.</summary>
    public required double BestTestAccuracy { get; init; }

    /// <summary>Epochs actually run (fewer than the budget after an early exit).</summary>
    public required int Epochs { get; init; }

    /// <summary>The CSV line (without '\n').</summary>
    public string ToCsv() => string.Join(',',
        SweepCsv.Format(SigmaW2), SweepCsv.Format(SigmaB2), SweepCsv.Format(Depth), Trainable ? "true" : "false",
        SweepCsv.Format(BestTestAccuracy), SweepCsv.Format(Epochs));

    internal static GroundTruthRecord Parse(SweepCsv.Table table, SweepCsv.Row row) => new()
    {
        SigmaW2 = SweepCsv.ParseDouble(table, row, 0),
        SigmaB2 = SweepCsv.ParseDouble(table, row, 1),
        Depth = SweepCsv.ParseInt(table, row, 2),
        Trainable = SweepCsv.ParseBool(table, row, 3),
        BestTestAccuracy = SweepCsv.ParseDouble(table, row, 4),
        Epochs = SweepCsv.ParseInt(table, row, 5),
    };
}
