namespace Entropy.MLNet.Probe;

/// <summary>The stage a probe is in.</summary>
public enum ProbePhase
{
    /// <summary>Building the deep network and the decoders.</summary>
    Building,

    /// <summary>Training the decoders, batch by batch.</summary>
    Training,

    /// <summary>Reconstructing the test sample and computing the entropies.</summary>
    Evaluating,

    /// <summary>Finished.</summary>
    Done,
}

/// <summary>A progress report of a probe.</summary>
/// <param name="Phase">The stage.</param>
/// <param name="Batch">Batches done so far over all epochs (training), else 0 or 1.</param>
/// <param name="TotalBatches">Batches in the whole training run (training), else 1.</param>
/// <param name="SamplesPerSecond">Training throughput so far (images per second); 0 outside training.</param>
/// <param name="Epoch">The current epoch (1-based; 0 outside training).</param>
public sealed record ProbeProgress(ProbePhase Phase, int Batch, int TotalBatches, double SamplesPerSecond, int Epoch = 0)
{
    /// <summary>Fraction of the phase done, in [0, 1].</summary>
    public double Fraction => TotalBatches <= 0 ? 0 : Math.Clamp((double)Batch / TotalBatches, 0, 1);
}
