namespace Entropy.MLNet.Sweep;

/// <summary>
/// One row of <c>curves.csv</c>: the probe's entropy curve of one configuration at one layer. Layers are 1-based and
/// cover the probe's curve (layers 1..L − 2 for the authors' exclusion of the last two layers).
/// </summary>
public sealed record SweepCurvePoint
{
    /// <summary>The exact header of curves.csv.</summary>
    public static IReadOnlyList<string> Header { get; } =
        ["sigmaW2", "sigmaB2", "layer", "medianRelativeEntropy", "normalizedMedian", "meanRelativeEntropy", "differentialEntropy", "decoderTestMse"];

    /// <summary>The file name inside a results directory.</summary>
    public const string FileName = "curves.csv";

    /// <summary>Weight variance σ_w².</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b².</summary>
    public required double SigmaB2 { get; init; }

    /// <summary>The layer ℓ whose reconstruction this is (1-based; curve index ℓ − 1).</summary>
    public required int Layer { get; init; }

    /// <summary>Median over the entropy sample of the relative entropy (nats).</summary>
    public required float MedianRelativeEntropy { get; init; }

    /// <summary>Median of each sample's curve divided by its last value (what the cutoff is read from; 1 at the last layer).</summary>
    public required float NormalizedMedian { get; init; }

    /// <summary>Mean over the entropy sample of the relative entropy (nats).</summary>
    public required float MeanRelativeEntropy { get; init; }

    /// <summary>Differential entropy of the reconstructions (may be −∞).</summary>
    public required double DifferentialEntropy { get; init; }

    /// <summary>Test MSE of decoder ℓ on its layer-local target.</summary>
    public required float DecoderTestMse { get; init; }

    /// <summary>The CSV line (without '\n').</summary>
    public string ToCsv() => string.Join(',',
        SweepCsv.Format(SigmaW2), SweepCsv.Format(SigmaB2), SweepCsv.Format(Layer), SweepCsv.Format(MedianRelativeEntropy),
        SweepCsv.Format(NormalizedMedian), SweepCsv.Format(MeanRelativeEntropy), SweepCsv.Format(DifferentialEntropy),
        SweepCsv.Format(DecoderTestMse));

    internal static SweepCurvePoint Parse(SweepCsv.Table table, SweepCsv.Row row) => new()
    {
        SigmaW2 = SweepCsv.ParseDouble(table, row, 0),
        SigmaB2 = SweepCsv.ParseDouble(table, row, 1),
        Layer = SweepCsv.ParseInt(table, row, 2),
        MedianRelativeEntropy = SweepCsv.ParseFloat(table, row, 3),
        NormalizedMedian = SweepCsv.ParseFloat(table, row, 4),
        MeanRelativeEntropy = SweepCsv.ParseFloat(table, row, 5),
        DifferentialEntropy = SweepCsv.ParseDouble(table, row, 6),
        DecoderTestMse = SweepCsv.ParseFloat(table, row, 7),
    };

    /// <summary>The curve rows of a probe result (one per curve layer).</summary>
    public static IReadOnlyList<SweepCurvePoint> FromProbe(Probe.ProbeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var points = new SweepCurvePoint[result.MedianRelativeEntropy.Length];
        for (int i = 0; i < points.Length; i++)
        {
            points[i] = new SweepCurvePoint
            {
                SigmaW2 = result.SigmaW2,
                SigmaB2 = result.SigmaB2,
                Layer = i + 1,
                MedianRelativeEntropy = result.MedianRelativeEntropy[i],
                NormalizedMedian = result.NormalizedMedian[i],
                MeanRelativeEntropy = result.MeanRelativeEntropy[i],
                DifferentialEntropy = result.DifferentialEntropy[i],
                DecoderTestMse = result.DecoderTestMse[i],
            };
        }
        return points;
    }
}
