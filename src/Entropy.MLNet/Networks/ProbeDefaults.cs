namespace Entropy.MLNet.Networks;

/// <summary>
/// The probe's default settings for one architecture family, as the authors' scripts for that family use them. The one
/// place these values are written: the network specification, <c>ProbeOptions</c>, the sweeps, the ML.NET options and
/// the CLI take their defaults from here (ground-truth training takes its optimiser's from <c>GroundTruthProtocol</c>,
/// its network's from here).
/// </summary>
/// <param name="SigmaB2">Bias variance σ_b².</param>
/// <param name="LearningRate">Adam learning rate of the decoders.</param>
/// <param name="BatchSize">Decoder mini-batch size.</param>
/// <param name="Epochs">Decoder training epochs.</param>
/// <param name="CutoffTolerance">Relative tolerance of the cutoff.</param>
public sealed record ProbeDefaults(double SigmaB2, double LearningRate, int BatchSize, int Epochs, double CutoffTolerance)
{
    /// <summary>The MLP's bias variance σ_b² = 0.05 (the authors' MLP script; Schoenholz et al.).</summary>
    public const double MlpSigmaB2 = 0.05;

    /// <summary>The decoders' Adam learning rate, 1e-3 (PyTorch's default, as the authors).</summary>
    public const double MlpLearningRate = 1e-3;

    /// <summary>The MLP script's decoder mini-batch, 64.</summary>
    public const int MlpBatchSize = 64;

    /// <summary>The authors' MLP script's cutoff tolerance, rtol 0.005 (0.5 %); also the cutoff's own default.</summary>
    public const double MlpCutoffTolerance = 0.005;

    /// <summary>Decoder training epochs (the authors: one).</summary>
    public const int MlpEpochs = 1;

    /// <summary>Seed of every random draw unless one is given.</summary>
    public const int Seed = 42;

    /// <summary>Held-out test images whose reconstructions give the entropy curve (the authors: 100).</summary>
    public const int EntropySamples = 100;

    /// <summary>How many of the entropy samples keep their reconstructions for pictures.</summary>
    public const int ReconstructionImages = 8;

    /// <summary>Deepest layers left out of the curve (the authors: cascades[1:-2]).</summary>
    public const int ExcludedLastLayers = 2;

    /// <summary>The authors' MLP script: σ_b² 0.05, Adam lr 1e-3, batch 64, one epoch, cutoff rtol 0.005.</summary>
    public static ProbeDefaults Mlp { get; } = new(MlpSigmaB2, MlpLearningRate, MlpBatchSize, MlpEpochs, MlpCutoffTolerance);
}
