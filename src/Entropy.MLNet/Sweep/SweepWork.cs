using System.Globalization;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// One row of <c>work.csv</c>: what a configuration's probe computed under the FLOP model, against what the faithful
/// method computes for the same settings (MLP only; a record of the run, never compared on resume).
/// </summary>
/// <param name="SigmaW2">Weight variance σ_w².</param>
/// <param name="SigmaB2">Bias variance σ_b².</param>
/// <param name="Mode">faithful or adaptive.</param>
/// <param name="WorkGflop">GFLOP done.</param>
/// <param name="FaithfulGflop">GFLOP of the faithful method.</param>
/// <param name="TrainImagesUsed">Adaptive: images the deepest stage trained on; empty for faithful.</param>
/// <param name="MeasuredLayers">Adaptive: the deepest trained decoder when the cascade stopped short; empty otherwise.</param>
/// <param name="ProbeSeconds">Wall-clock seconds of the probe.</param>
public sealed record SweepWork(double SigmaW2, double SigmaB2, string Mode, double WorkGflop, double FaithfulGflop, int? TrainImagesUsed, int? MeasuredLayers, double ProbeSeconds)
{
    /// <summary>The file name inside a results directory.</summary>
    public const string FileName = "work.csv";

    /// <summary>The header line (without '\n').</summary>
    public const string Header = "sigmaW2,sigmaB2,mode,workGflop,faithfulGflop,trainImagesUsed,measuredLayers,probeSeconds";

    /// <summary>The CSV line (without '\n').</summary>
    public string ToCsv() => string.Join(',',
        SweepCsv.Format(SigmaW2), SweepCsv.Format(SigmaB2), Mode,
        Math.Round(WorkGflop, 1).ToString("R", CultureInfo.InvariantCulture), Math.Round(FaithfulGflop, 1).ToString("R", CultureInfo.InvariantCulture),
        TrainImagesUsed?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, MeasuredLayers?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        Math.Round(ProbeSeconds, 3).ToString("R", CultureInfo.InvariantCulture));
}
