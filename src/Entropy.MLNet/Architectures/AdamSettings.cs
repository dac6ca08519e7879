using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Architectures;

/// <summary>Adam's hyperparameters (PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8).</summary>
/// <param name="LearningRate">Step size lr.</param>
/// <param name="Beta1">Decay of the first moment.</param>
/// <param name="Beta2">Decay of the second moment.</param>
/// <param name="Epsilon">Added to the denominator.</param>
internal sealed record AdamSettings(double LearningRate = ProbeDefaults.MlpLearningRate, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8);
