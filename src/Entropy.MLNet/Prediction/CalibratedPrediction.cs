namespace Entropy.MLNet.Prediction;

/// <summary>
/// The calibrated predictions of the maximum trainable depth (formulas: <see cref="TrainabilityCalibration"/>). Each
/// returns NaN when its inputs have no finite answer (a NaN feature, an unknown ξ_c): never read as a depth.
/// </summary>
public static class CalibratedPrediction
{
    /// <summary>The name of the probe-only predictor in reports and agreement tables.</summary>
    public const string ProbeName = "cal-probe";

    /// <summary>The name of the probe + mean-field predictor.</summary>
    public const string ProbeMeanFieldName = "cal-probe+mf";

    /// <summary>The name of the mean-field-only predictor (the ablation of the probe features).</summary>
    public const string MeanFieldName = "cal-mf";

    /// <summary>
    /// The predictor the product uses (sweep score, predictedTrainable, summary, report): the one that measured best on
    /// the held-out datasets (docs/prediction.md), the probe's curves alone.
    /// </summary>
    public const string ProductName = ProbeName;

    /// <summary>The product's prediction (<see cref="ProductName"/>) for one configuration's features and ξ_c.</summary>
    public static double ProductDepth(CurveFeatures features, double xiC, TrainabilityCalibration calibration) => ProbeDepth(features, calibration);

    /// <summary>Probe features alone: min(S, a_o·ℓ_c^b_o, a_c·m^−γ).</summary>
    public static double ProbeDepth(CurveFeatures features, TrainabilityCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        double collapse = features.CollapseLayer;
        double mse = features.DecoderMse;
        if (double.IsNaN(collapse) || double.IsNaN(mse) || mse < 0)
        {
            return double.NaN;
        }
        double ordered = double.IsPositiveInfinity(collapse) ? double.PositiveInfinity
            : calibration.OrderedScale * Math.Pow(collapse, calibration.OrderedExponent);
        double chaotic = mse == 0 ? double.PositiveInfinity : calibration.ChaoticScale * Math.Pow(mse, -calibration.ChaoticExponent);
        return Math.Min(calibration.SaturationDepth, Math.Min(ordered, chaotic));
    }

    /// <summary>Mean field alone: min(S_mf, k·ξ_c); ξ_c = +∞ (the critical point) gives S_mf.</summary>
    public static double MeanFieldDepth(double xiC, TrainabilityCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        return double.IsNaN(xiC) || xiC < 0 ? double.NaN : Math.Min(calibration.MeanFieldSaturationDepth, calibration.XiScale * xiC);
    }

    /// <summary>Probe and mean field: D_probe^w · D_mf^(1−w) (NaN when either is; a zero-weight side is ignored).</summary>
    public static double ProbeMeanFieldDepth(CurveFeatures features, double xiC, TrainabilityCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        double w = calibration.ProbeWeight;
        double probe = w == 0 ? 1 : ProbeDepth(features, calibration);
        double meanField = w == 1 ? 1 : MeanFieldDepth(xiC, calibration);
        return double.IsNaN(probe) || double.IsNaN(meanField) ? double.NaN : Math.Pow(probe, w) * Math.Pow(meanField, 1 - w);
    }
}
