namespace Entropy.MLNet.MLNet;

/// <summary>Settings of <see cref="TrainabilityPredictorEstimator"/>.</summary>
public sealed class TrainabilityPredictorOptions
{
    /// <summary>Boolean ground-truth column of the labelled configurations: true = the network trained; default <c>Label</c>.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>L2 regularisation of the L-BFGS logistic regression; default 1e-3 (small data, few features).</summary>
    public float L2Regularization { get; set; } = 1e-3f;

    /// <summary>L1 regularisation of the logistic regression; default 0.</summary>
    public float L1Regularization { get; set; }

    /// <summary>
    /// Train on the probe's features only, leaving out the mean-field feature L / (6 ξ_c)
    /// (<see cref="TrainabilityFeatures.MeanFieldSlotName"/>); default false. Use it when the labels themselves come
    /// from the mean-field rule (as in the README's example), where that feature alone would separate them and say
    /// nothing about the probe.
    /// </summary>
    public bool ProbeFeaturesOnly { get; set; }
}
