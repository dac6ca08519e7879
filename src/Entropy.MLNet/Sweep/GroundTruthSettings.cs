namespace Entropy.MLNet.Sweep;

/// <summary>
/// How a sweep measures ground truth: for every σ_w² it trains the deep network at several depths and records the
/// maximum trainable depth (see <see cref="Training.TrainableDepthSearch"/>). Part of <see cref="SweepSettings"/>.
/// </summary>
public sealed record GroundTruthSettings
{
    /// <summary>Optimizer: <c>sgd</c> (the authors') or <c>adam</c>.</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>Learning rate; default <see cref="Training.GroundTruthProtocol.LearningRate"/>.</summary>
    public double LearningRate { get; init; } = Training.GroundTruthProtocol.LearningRate;

    /// <summary>Epoch budget per trained network.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Test accuracy a network must reach within the budget to count as trainable.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Depth search: <c>bisection</c> (default, cheaper; assumes monotonicity in depth) or <c>staircase</c> (the authors').</summary>
    public string Search { get; init; } = "bisection";

    /// <summary>Depth step of the staircase search; default 5 as the authors.</summary>
    public int StaircaseStep { get; init; } = 5;

    /// <summary>Mini-batch size; default 64 as the authors.</summary>
    public int BatchSize { get; init; } = Training.GroundTruthProtocol.BatchSize;

    /// <summary>Training images (first N of a seeded shuffle); null = all.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Whether the head is the authors' softmax-then-cross-entropy (double softmax) instead of logits.</summary>
    public bool DoubleSoftmax { get; init; }
}
