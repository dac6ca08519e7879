namespace Entropy.MLNet.Sweep;

/// <summary>
/// One row of a ground-truth set's <c>trials.csv</c>: one trained network (docs/ground-truth.md, "CSV schema"). Rows are
/// appended and fsynced as each training finishes, so a resumed run replays them instead of training again.
/// </summary>
public sealed record GroundTruthTrial
{
    /// <summary>The exact header of trials.csv.</summary>
    public static IReadOnlyList<string> Header { get; } =
        ["dataset", "width", "activation", "sigmaW2", "sigmaB2", "seed", "steps", "threshold", "depth", "trained", "accuracy", "stepsRun", "seconds", "trainingSeed"];

    /// <summary>The file name inside a ground-truth directory.</summary>
    public const string FileName = "trials.csv";

    /// <summary>Dataset name.</summary>
    public required string Dataset { get; init; }

    /// <summary>Width rule (a list's commas written as ';').</summary>
    public required string Width { get; init; }

    /// <summary>Activation name.</summary>
    public required string Activation { get; init; }

    /// <summary>Weight variance σ_w².</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b².</summary>
    public required double SigmaB2 { get; init; }

    /// <summary>The set's seed (not the training's; see <see cref="TrainingSeed"/>).</summary>
    public required int Seed { get; init; }

    /// <summary>The budget in SGD steps.</summary>
    public required int Steps { get; init; }

    /// <summary>Test accuracy that counts as trained.</summary>
    public required double Threshold { get; init; }

    /// <summary>The network's depth D.</summary>
    public required int Depth { get; init; }

    /// <summary>Whether test accuracy reached the threshold within the budget.</summary>
    public required bool Trained { get; init; }

    /// <summary>The best test accuracy over the evaluations made (the one that stopped training when <see cref="Trained"/>).</summary>
    public required double Accuracy { get; init; }

    /// <summary>SGD steps run (fewer than the budget after an early exit or a divergence).</summary>
    public required int StepsRun { get; init; }

    /// <summary>Wall-clock seconds of the training (data preparation, training and evaluations).</summary>
    public required double Seconds { get; init; }

    /// <summary>The training's seed (weights, shuffling, training subset).</summary>
    public required int TrainingSeed { get; init; }

    /// <summary>The CSV line (without '\n').</summary>
    public string ToCsv() => string.Join(',',
        Dataset, Width.Replace(',', ';'), Activation, SweepCsv.Format(SigmaW2), SweepCsv.Format(SigmaB2), SweepCsv.Format(Seed),
        SweepCsv.Format(Steps), SweepCsv.Format(Threshold), SweepCsv.Format(Depth), Trained ? "true" : "false",
        SweepCsv.Format(Accuracy), SweepCsv.Format(StepsRun), SweepCsv.Format(Seconds), SweepCsv.Format(TrainingSeed));

    internal static GroundTruthTrial Parse(SweepCsv.Table table, SweepCsv.Row row) => new()
    {
        Dataset = row.Fields[0],
        Width = row.Fields[1],
        Activation = row.Fields[2],
        SigmaW2 = SweepCsv.ParseDouble(table, row, 3),
        SigmaB2 = SweepCsv.ParseDouble(table, row, 4),
        Seed = SweepCsv.ParseInt(table, row, 5),
        Steps = SweepCsv.ParseInt(table, row, 6),
        Threshold = SweepCsv.ParseDouble(table, row, 7),
        Depth = SweepCsv.ParseInt(table, row, 8),
        Trained = SweepCsv.ParseBool(table, row, 9),
        Accuracy = SweepCsv.ParseDouble(table, row, 10),
        StepsRun = SweepCsv.ParseInt(table, row, 11),
        Seconds = SweepCsv.ParseDouble(table, row, 12),
        TrainingSeed = SweepCsv.ParseInt(table, row, 13),
    };
}
