namespace Entropy.MLNet.Training;

/// <summary>The outcome of one ground-truth training.</summary>
public sealed record GroundTruthResult
{
    /// <summary>Weight variance σ_w².</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b².</summary>
    public required double SigmaB2 { get; init; }

    /// <summary>Depth D.</summary>
    public required int Depth { get; init; }

    /// <summary>Whether test accuracy reached <see cref="Threshold"/> within the budget.</summary>
    public required bool Trainable { get; init; }

    /// <summary>The threshold used.</summary>
    public required double Threshold { get; init; }

    /// <summary>Test accuracy at each evaluation (after every epoch, or every N steps with a step budget; fewer entries after an early exit).</summary>
    public required double[] TestAccuracy { get; init; }

    /// <summary>Training accuracy since the previous evaluation (running accuracy over those batches, as seen while training).</summary>
    public required double[] TrainAccuracy { get; init; }

    /// <summary>Mean training loss since the previous evaluation (NaN once the network diverges).</summary>
    public required double[] TrainLoss { get; init; }

    /// <summary>The best test accuracy over the epochs run.</summary>
    public double BestTestAccuracy => TestAccuracy.Length == 0 ? 0 : TestAccuracy.Max();

    /// <summary>Evaluations made (epochs run, in epoch mode).</summary>
    public int EpochsRun => TestAccuracy.Length;

    /// <summary>SGD steps run (fewer than the budget after an early exit or a divergence).</summary>
    public int StepsRun { get; init; }

    /// <summary>The seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Training images used per epoch.</summary>
    public required int TrainSamples { get; init; }

    /// <summary>Test images the accuracy was measured on.</summary>
    public required int TestSamples { get; init; }

    /// <summary>Wall-clock seconds.</summary>
    public required double Seconds { get; init; }
}
