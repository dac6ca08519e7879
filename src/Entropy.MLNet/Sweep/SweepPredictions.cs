using Entropy.MLNet.Prediction;

namespace Entropy.MLNet.Sweep;

/// <summary>Attaches the calibrated prediction (<see cref="SweepRecord.PredictedDepth"/>) to results rows from their curves.</summary>
internal static class SweepPredictions
{
    /// <summary>
    /// The calibration this version of Entropy.MLNet applies to a sweep of these settings' probe budget
    /// and mode (<see cref="TrainabilityCalibration.ForProbe"/>), or null for a network family no calibration was fitted for (the
    /// CNN and the ResNet): their predicted depth stays the authors' cutoff. What a new sweep records in settings.json.
    /// </summary>
    public static TrainabilityCalibration? BudgetCalibration(SweepSettings settings)
        => settings.Architecture is null || settings.Architecture == Architectures.ArchitectureCatalog.MlpName
            ? TrainabilityCalibration.ForProbe(settings.TrainSamples, settings.Epochs, settings.Mode)
            : null;

    /// <summary>
    /// The calibration the product applies to this sweep's curves: the one settings.json records
    /// (<see cref="SweepSettings.Calibration"/>) when this version embeds it, else <see cref="BudgetCalibration"/> (a
    /// directory written by a version with another calibration; the CLI and the report name the one applied).
    /// </summary>
    public static TrainabilityCalibration? CalibrationFor(SweepSettings settings)
    {
        TrainabilityCalibration? chosen = BudgetCalibration(settings);
        return settings.Calibration is { } recorded && chosen is not null
            ? TrainabilityCalibration.Embedded.FirstOrDefault(recorded.Names) ?? chosen
            : chosen;
    }

    /// <summary>The row with its calibrated prediction; the row as it is when it has no curve.</summary>
    public static SweepRecord With(SweepRecord record, IEnumerable<SweepCurvePoint> curve, TrainabilityCalibration? calibration)
    {
        if (calibration is null)
        {
            return record;
        }
        var points = curve.OrderBy(p => p.Layer).ToList();
        if (points.Count == 0)
        {
            return record;
        }
        CurveFeatures features = CurveFeatures.FromCurves([.. points.Select(p => p.DifferentialEntropy)], [.. points.Select(p => (double)p.DecoderTestMse)], calibration);
        return record with { PredictedDepth = CalibratedPrediction.ProductDepth(features, record.XiC ?? double.NaN, calibration) };
    }

    /// <summary>Every row with its prediction, curves matched by configuration.</summary>
    public static IReadOnlyList<SweepRecord> With(IEnumerable<SweepRecord> records, IEnumerable<SweepCurvePoint> curves, TrainabilityCalibration? calibration)
    {
        var byConfiguration = curves.ToLookup(p => (p.SigmaW2, p.SigmaB2));
        return [.. records.Select(r => With(r, byConfiguration[(r.SigmaW2, r.SigmaB2)], calibration))];
    }
}
