namespace Entropy.MLNet.Reporting;

/// <summary>One σ_w² column of a <see cref="PhaseDiagramPanel"/>: the probe's curve and the references at that σ_w².</summary>
public sealed record PhaseColumn
{
    /// <summary>Weight variance σ_w².</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Normalised median relative entropy per layer (index 0 = layer 1); the heatmap's colour. NaN = missing.</summary>
    public required IReadOnlyList<double> NormalizedMedian { get; init; }

    /// <summary>Median relative entropy per layer (index 0 = layer 1), for the entropy-curve picture; null when not stored.</summary>
    public IReadOnlyList<double>? MedianRelativeEntropy { get; init; }

    /// <summary>The probe's cutoff (the authors' saturation index); null when missing.</summary>
    public double? Cutoff { get; init; }

    /// <summary>The calibrated predicted maximum trainable depth (docs/prediction.md); null when the sweep has none.</summary>
    public double? PredictedDepth { get; init; }

    /// <summary>Mean-field correlation depth scale ξ_c; null or non-finite when unknown or unbounded.</summary>
    public double? XiC { get; init; }

    /// <summary>The 6ξ_c trainable-depth estimate; null or non-finite when unknown or unbounded.</summary>
    public double? SixXiC { get; init; }

    /// <summary>Ground truth: the deepest network that trained at this σ_w² (0 = none); null when no ground truth.</summary>
    public int? GroundTruthMaxDepth { get; init; }
}
