namespace Entropy.MLNet.Prediction;

/// <summary>Where a <see cref="TrainabilityCalibration"/>'s constants come from (written into settings.json and reports).</summary>
/// <param name="Truth">The ground-truth sets fitted (e.g. benchmarks/ground-truth/mnist-seed1, mnist-seed2).</param>
/// <param name="Probe">The probe runs whose curves were fitted (command and settings).</param>
/// <param name="Method">How the constants were fitted.</param>
/// <param name="Commit">The commit of the code that produced the probe runs and the fit.</param>
/// <param name="Date">When it was fitted (ISO 8601).</param>
public sealed record CalibrationProvenance(string Truth, string Probe, string? Method = null, string? Commit = null, string? Date = null);
