namespace Entropy.MLNet.Training;

/// <summary>The optimizer of ground-truth training.</summary>
public enum GroundTruthOptimizer
{
    /// <summary>Plain SGD (no momentum, no weight decay), as the authors.</summary>
    Sgd,

    /// <summary>Adam with PyTorch's default betas and eps.</summary>
    Adam,
}
