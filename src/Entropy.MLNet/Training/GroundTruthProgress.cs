namespace Entropy.MLNet.Training;

/// <summary>A progress report of ground-truth training, after every batch and after every epoch's test.</summary>
/// <param name="Epoch">Current epoch (1-based).</param>
/// <param name="Epochs">Epoch budget.</param>
/// <param name="Batch">Batches done in the current epoch.</param>
/// <param name="BatchesPerEpoch">Batches per epoch.</param>
/// <param name="TestAccuracy">The last epoch's test accuracy, once known; null before the first test.</param>
public sealed record GroundTruthProgress(int Epoch, int Epochs, int Batch, int BatchesPerEpoch, double? TestAccuracy)
{
    /// <summary>Fraction of the epoch budget done, in [0, 1].</summary>
    public double Fraction => Epochs <= 0 || BatchesPerEpoch <= 0 ? 0
        : Math.Clamp(((Epoch - 1) + ((double)Batch / BatchesPerEpoch)) / Epochs, 0, 1);
}
