namespace Entropy.MLNet.Sweep;

/// <summary>Names of the files a sweep writes into its results directory that other layers (the report) read.</summary>
public static class SweepFiles
{
    /// <summary>Folder of the probe's reconstruction-grid PNGs inside the results directory.</summary>
    public const string ReconstructionFolder = "recon";

    /// <summary>The file name of a configuration's reconstruction grid under <c>DIR/recon/</c>.</summary>
    public static string ReconstructionFileName(double sigmaW2, double sigmaB2)
        => $"sigmaW2_{SweepCsv.Format(sigmaW2)}_sigmaB2_{SweepCsv.Format(sigmaB2)}.png";
}
