using Entropy.MLNet.Prediction;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// One row of <c>results.csv</c>: the outcome of one (σ_w², σ_b²) configuration — the probe's cutoff, the mean-field
/// columns (empty for activations the theory does not know) and, when the sweep measures it, the ground truth.
/// Holds only values fixed by the settings and seeds.
/// </summary>
public sealed record SweepRecord
{
    /// <summary>
    /// The exact header of results.csv as written (later format versions may append columns). Files written before
    /// <c>divergenceLayer</c> was added end at <c>gtTestAccuracy</c>; they are read as they are and upgraded (an empty
    /// <c>divergenceLayer</c> on every row) when a sweep resumes into them.
    /// </summary>
    public static IReadOnlyList<string> Header { get; } =
        ["sigmaW2", "sigmaB2", "maxDepth", "cutoff", "differentialCutoff", "chi1", "xiC", "sixXiC", "phase", "seed", "gtMaxTrainableDepth", "gtTestAccuracy", "divergenceLayer"];

    /// <summary>The columns every results.csv starts with (the header before <c>divergenceLayer</c> was added).</summary>
    internal static IReadOnlyList<string> RequiredHeader { get; } = [.. Header.Take(12)];

    /// <summary>The file name inside a results directory.</summary>
    public const string FileName = "results.csv";

    /// <summary>Weight variance σ_w².</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b².</summary>
    public required double SigmaB2 { get; init; }

    /// <summary>The probed depth D.</summary>
    public required int MaxDepth { get; init; }

    /// <summary>The relative-entropy cutoff (0-based curve index, as the authors): the predicted maximum trainable depth (below <see cref="DivergenceLayer"/> when the network diverges).</summary>
    public required int Cutoff { get; init; }

    /// <summary>The first layer at which the probed network diverges (<see cref="Probe.ProbeResult.DivergenceLayer"/>); null when it stays finite, or in files written before the column existed.</summary>
    public int? DivergenceLayer { get; init; }

    /// <summary>The cutoff that predictions use: <see cref="Cutoff"/>, at most <see cref="DivergenceLayer"/> − 1 (so no depth at which the network overflows counts as trainable, even in a hand-edited file).</summary>
    internal int PredictionCutoff => DivergenceLayer is { } l ? Math.Max(0, Math.Min(Cutoff, l - 1)) : Cutoff;

    /// <summary>The authors' differential-entropy cutoff; null when the curve is too short.</summary>
    public int? DifferentialCutoff { get; init; }

    /// <summary>Mean-field χ_1; null when the theory does not know the activation.</summary>
    public double? Chi1 { get; init; }

    /// <summary>Mean-field ξ_c (may be +∞ on the critical line); null without theory.</summary>
    public double? XiC { get; init; }

    /// <summary>6ξ_c, Schoenholz et al.'s trainable-depth estimate; null without theory.</summary>
    public double? SixXiC { get; init; }

    /// <summary>The verdict from χ_1 (<see cref="TrainabilityScore.Verdict(double)"/>); null without theory.</summary>
    public TrainabilityVerdict? Phase { get; init; }

    /// <summary>The configuration's seed (<see cref="SweepSeeds.Configuration"/>).</summary>
    public required int Seed { get; init; }

    /// <summary>Ground truth: the maximum trainable depth found (0 when even depth 2 did not train); null without ground truth.</summary>
    public int? GtMaxTrainableDepth { get; init; }

    /// <summary>Ground truth: the best test accuracy at <see cref="GtMaxTrainableDepth"/> (at depth 2 when that is 0); null without ground truth.</summary>
    public double? GtTestAccuracy { get; init; }

    /// <summary>
    /// The calibrated prediction of the maximum trainable depth (<see cref="CalibratedPrediction.ProductName"/> with
    /// <see cref="TrainabilityCalibration.Default"/>), read from the configuration's curves when the sweep finishes it or
    /// loads it; not a results.csv column. Null when not computed, NaN when the calibration has no answer (e.g. a curve
    /// shorter than its MSE layers).
    /// </summary>
    public double? PredictedDepth { get; init; }

    /// <summary>The depth predictions use: <see cref="PredictedDepth"/> when it is a number, else the authors' cutoff; below <see cref="DivergenceLayer"/> either way.</summary>
    internal double PredictionDepth => PredictedDepth is { } d && !double.IsNaN(d)
        ? (DivergenceLayer is { } l ? Math.Max(0, Math.Min(d, l - 1)) : d)
        : PredictionCutoff;

    /// <summary>Whether depth <paramref name="depth"/> is predicted trainable: <see cref="PredictionDepth"/> ≥ depth.</summary>
    public bool PredictedTrainable(int depth) => PredictionDepth >= depth;

    /// <summary>
    /// The trainability score of depth <paramref name="depth"/> against the whole layers of <see cref="PredictionDepth"/>
    /// (<see cref="TrainabilityScore.Score(double, int)"/>): above ½ exactly when <see cref="PredictedTrainable"/>.
    /// </summary>
    public double Score(int depth) => TrainabilityScore.Score(Math.Floor(PredictionDepth), depth);

    /// <summary>The CSV line (without '\n').</summary>
    public string ToCsv() => string.Join(',',
        SweepCsv.Format(SigmaW2), SweepCsv.Format(SigmaB2), SweepCsv.Format(MaxDepth), SweepCsv.Format(Cutoff),
        SweepCsv.Format(DifferentialCutoff), SweepCsv.Format(Chi1), SweepCsv.Format(XiC), SweepCsv.Format(SixXiC),
        Phase is { } p ? TrainabilityScore.Name(p) : string.Empty, SweepCsv.Format(Seed),
        SweepCsv.Format(GtMaxTrainableDepth), SweepCsv.Format(GtTestAccuracy), SweepCsv.Format(DivergenceLayer));

    /// <summary>Whether <paramref name="table"/> (results.csv) has the <c>divergenceLayer</c> column.</summary>
    internal static bool HasDivergenceColumn(SweepCsv.Table table) => table.Header.Length > 12 && table.Header[12] == Header[12];

    internal static SweepRecord Parse(SweepCsv.Table table, SweepCsv.Row row)
    {
        TrainabilityVerdict? phase = null;
        if (row.Fields[8].Length > 0)
        {
            try
            {
                phase = TrainabilityScore.ParseName(row.Fields[8]);
            }
            catch (FormatException)
            {
                throw SweepCsv.Bad(table, row, 8, "ordered, near-critical or chaotic");
            }
        }
        return new SweepRecord
        {
            SigmaW2 = SweepCsv.ParseDouble(table, row, 0),
            SigmaB2 = SweepCsv.ParseDouble(table, row, 1),
            MaxDepth = SweepCsv.ParseInt(table, row, 2),
            Cutoff = SweepCsv.ParseInt(table, row, 3),
            DifferentialCutoff = SweepCsv.ParseNullableInt(table, row, 4),
            Chi1 = SweepCsv.ParseNullableDouble(table, row, 5),
            XiC = SweepCsv.ParseNullableDouble(table, row, 6),
            SixXiC = SweepCsv.ParseNullableDouble(table, row, 7),
            Phase = phase,
            Seed = SweepCsv.ParseInt(table, row, 9),
            GtMaxTrainableDepth = SweepCsv.ParseNullableInt(table, row, 10),
            GtTestAccuracy = SweepCsv.ParseNullableDouble(table, row, 11),
            DivergenceLayer = HasDivergenceColumn(table) ? SweepCsv.ParseNullableInt(table, row, 12) : null,
        };
    }
}
