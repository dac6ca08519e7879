using System.Text.Json.Serialization;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// How well one predictor of the maximum trainable depth agrees with ground truth over (configuration, depth) cells
/// (see <see cref="Agreement"/>). "Positive" = trainable.
/// </summary>
/// <param name="Predictor">Which predictor: <c>probe</c> (the cutoff) or <c>6ξc</c> (mean-field).</param>
/// <param name="Configurations">Configurations with ground truth and a finite prediction that were compared (see <see cref="NonFinite"/>).</param>
/// <param name="Cells">(configuration, depth) cells compared.</param>
/// <param name="TruePositives">Cells predicted trainable that trained.</param>
/// <param name="FalsePositives">Cells predicted trainable that did not train.</param>
/// <param name="FalseNegatives">Cells predicted untrainable that trained.</param>
/// <param name="TrueNegatives">Cells predicted untrainable that did not train.</param>
/// <param name="Accuracy">(TP + TN) / cells.</param>
/// <param name="F1">2TP / (2TP + FP + FN); 1 when there are no positives at all (both agree nothing trains).</param>
/// <param name="IoU">Intersection over union of the predicted and actual trainable regions, TP / (TP + FP + FN); 1 when both are empty.</param>
/// <param name="Spearman">Spearman rank correlation between the predicted and the actual maximum trainable depth over configurations (average ranks for ties); NaN with fewer than 2 configurations or a constant side.</param>
/// <param name="MeanAbsoluteDepthError">Mean |predicted − actual| maximum trainable depth in layers, both clipped to the searched range [0, max depth].</param>
public sealed record AgreementMetrics(
    string Predictor,
    int Configurations,
    int Cells,
    int TruePositives,
    int FalsePositives,
    int FalseNegatives,
    int TrueNegatives,
    double Accuracy,
    double F1,
    [property: JsonPropertyName("iou")] double IoU,
    double Spearman,
    double MeanAbsoluteDepthError)
{
    /// <summary>Configurations left out because the prediction was not a number (e.g. a diverging network); never read as a depth.</summary>
    public int NonFinite { get; init; }

    /// <summary>
    /// Mean |log₂(predicted / actual)| maximum trainable depth, both clipped to [min depth − 1, max depth]: "none" counts as
    /// min depth − 1, a censored truth (≥ cap) scores log₂(cap / predicted) when the prediction is below the cap (a lower
    /// bound) and 0 otherwise. 1.0 = off by a factor of 2 on average.
    /// </summary>
    public double MeanAbsoluteLog2Error { get; init; } = double.NaN;
}
