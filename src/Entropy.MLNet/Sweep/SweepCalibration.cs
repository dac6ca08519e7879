using Entropy.MLNet.Prediction;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// The calibration a sweep's prediction uses, as settings.json records it (<see cref="SweepSettings.Calibration"/>):
/// the predictor, the calibration's name and the provenance of its constants. A resume or merge refuses a directory
/// whose calibration differs, so that every prediction of one directory comes from one calibration.
/// </summary>
/// <param name="Predictor">The predictor (<see cref="CalibratedPrediction.ProductName"/>).</param>
/// <param name="Name">The calibration's name (<see cref="TrainabilityCalibration.Name"/>).</param>
/// <param name="Provenance">Where its constants come from (<see cref="TrainabilityCalibration.Provenance"/>).</param>
public sealed record SweepCalibration(string Predictor, string Name, CalibrationProvenance Provenance)
{
    /// <summary>The record of the product's predictor with <paramref name="calibration"/>.</summary>
    public static SweepCalibration Of(TrainabilityCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        return new SweepCalibration(CalibratedPrediction.ProductName, calibration.Name, calibration.Provenance);
    }

    /// <summary>Whether <paramref name="calibration"/> is the one this record names (name and provenance equal).</summary>
    internal bool Names(TrainabilityCalibration calibration) => Name == calibration.Name && Equals(Provenance, calibration.Provenance);

    /// <summary>A short text for messages: name, predictor, and the commit (its first word) and date of the fit.</summary>
    public override string ToString()
    {
        string commit = Provenance?.Commit?.Split(' ', 2)[0] ?? "?";
        return $"'{Name}' ({Predictor}; fitted at {commit}, {Provenance?.Date ?? "?"})";
    }
}
