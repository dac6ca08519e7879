using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

#pragma warning disable CA1819 // ML.NET maps vector columns to array properties.

namespace Entropy.MLNet.MLNet;

/// <summary>What the predictor's feature mapping reads (the sweep's output plus the configuration's depth).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainabilityFeaturesInput
{
    /// <summary>Depth L.</summary>
    public int Depth { get; set; }

    /// <summary>The sweep's cutoff.</summary>
    public float Cutoff { get; set; }

    /// <summary>The sweep's entropy curve.</summary>
    [VectorType]
    public float[] EntropyCurve { get; set; } = [];

    /// <summary>Mean-field ξ_c.</summary>
    public float XiC { get; set; }

    /// <summary>The sweep's predicted depth (the calibrated one, or the cutoff for a table without one).</summary>
    public float PredictedDepth { get; set; }
}

/// <summary>The predictor's features as scalar columns, named as the feature vector's slots (see <see cref="TrainabilityFeatures.SlotNames"/>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainabilityFeaturesOutput
{
    /// <summary>Cutoff / L.</summary>
    public float CutoffOverDepth { get; set; }

    /// <summary>L / (6 ξ_c), the mean-field feature.</summary>
    public float DepthOverSixXiC { get; set; }

    /// <summary>Mean of the entropy curve over its last value.</summary>
    public float CurveMean { get; set; }

    /// <summary>Standard deviation of the entropy curve over its last value.</summary>
    public float CurveStdDev { get; set; }

    /// <summary>The curve at layer min(L, curve length) over its last value.</summary>
    public float CurveAtDepth { get; set; }

    /// <summary>ln(D / L), D the calibrated predicted depth (see <see cref="TrainabilityFeatures.LogPredictedDepthOverDepth"/>).</summary>
    public float LogPredictedDepthOverDepth { get; set; }
}

/// <summary>
/// The probe features the trainability predictor learns from, per configuration, in slot order: [0]
/// <c>CutoffOverDepth</c> = Cutoff / L; [1] <c>DepthOverSixXiC</c> = L / (6 ξ_c) (0 when ξ_c is unknown or infinite),
/// the mean-field feature; [2] <c>CurveMean</c> and [3] <c>CurveStdDev</c>: the mean and standard deviation of the
/// entropy curve divided by its last value; [4] <c>CurveAtDepth</c>: the curve value at layer min(L, curve length)
/// divided by the last value; [5] <c>LogPredictedDepthOverDepth</c> = ln(D / L), D the sweep's calibrated predicted
/// depth (<see cref="LogPredictedDepthOverDepth"/>), positive exactly when the calibrated prediction says depth L
/// trains. The predictor's feature column carries these as slot names (so feature importance can name them); with
/// <see cref="TrainabilityPredictorOptions.ProbeFeaturesOnly"/> it leaves out the mean-field slot (the calibrated
/// depth is the probe's: <c>cal-probe</c> reads the probe's curves alone).
/// <para>
/// Versions: the contract is <c>v3</c> (six features). A model saved with <c>v2</c> (the five features before the
/// calibrated depth) loads and predicts as it did, with its five features: its classifier's weights were learned on
/// them. Fit the predictor again to use the calibrated depth.
/// </para>
/// A stateless mapping: ML.NET saves and loads it by contract name alone.
/// </summary>
public static class TrainabilityFeatures
{
    /// <summary>Number of features.</summary>
    public const int Count = 6;

    /// <summary>The feature column's name.</summary>
    public const string ColumnName = "TrainabilityFeatures";

    /// <summary>Slot name of the mean-field feature L / (6 ξ_c), which <see cref="TrainabilityPredictorOptions.ProbeFeaturesOnly"/> leaves out.</summary>
    public const string MeanFieldSlotName = nameof(TrainabilityFeaturesOutput.DepthOverSixXiC);

    /// <summary>Slot name of the calibrated-depth feature ln(D / L).</summary>
    public const string CalibratedDepthSlotName = nameof(TrainabilityFeaturesOutput.LogPredictedDepthOverDepth);

    /// <summary>The largest |ln(D / L)|: a predicted depth a thousand times beyond (or below) L says nothing more.</summary>
    public static readonly double MaxLogRatio = Math.Log(1000);

    /// <summary>The slot names of all <see cref="Count"/> features, in the order of <see cref="Compute"/>.</summary>
    public static IReadOnlyList<string> SlotNames { get; } =
    [
        nameof(TrainabilityFeaturesOutput.CutoffOverDepth),
        MeanFieldSlotName,
        nameof(TrainabilityFeaturesOutput.CurveMean),
        nameof(TrainabilityFeaturesOutput.CurveStdDev),
        nameof(TrainabilityFeaturesOutput.CurveAtDepth),
        CalibratedDepthSlotName,
    ];

    // v2 (0.1.0): scalar columns concatenated into the feature vector, so that its slots have names.
    // v3: the calibrated depth ln(D / L) added as slot 5; v2 models load with their five (TrainabilityFeaturesV2).
    internal const string ContractName = "Entropy.MLNet.TrainabilityFeatures.v3";

    /// <summary>Computes the features of one configuration.</summary>
    /// <param name="depth">Depth L (at least 1).</param>
    /// <param name="cutoff">The sweep's cutoff.</param>
    /// <param name="curve">The sweep's entropy curve.</param>
    /// <param name="xiC">Mean-field ξ_c.</param>
    /// <param name="predictedDepth">The sweep's calibrated predicted depth (its <c>PredictedDepth</c> column).</param>
    public static float[] Compute(int depth, float cutoff, ReadOnlySpan<float> curve, float xiC, float predictedDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        var f = new float[Count];
        f[0] = cutoff / depth;
        f[1] = float.IsFinite(xiC) && xiC > 0 ? depth / (6f * xiC) : 0f;
        if (curve.Length > 0)
        {
            double last = curve[^1];
            double scale = Math.Abs(last) > 1e-12 ? last : 1;
            double sum = 0;
            double sumSq = 0;
            foreach (float v in curve)
            {
                double r = v / scale;
                sum += r;
                sumSq += r * r;
            }
            double mean = sum / curve.Length;
            f[2] = (float)mean;
            f[3] = (float)Math.Sqrt(Math.Max(0, (sumSq / curve.Length) - (mean * mean)));
            f[4] = (float)(curve[Math.Min(depth, curve.Length) - 1] / scale);
        }
        f[5] = (float)LogPredictedDepthOverDepth(predictedDepth, cutoff, depth);
        return f;
    }

    /// <summary>
    /// The calibrated-depth feature ln(D / L), defined for every input: D is <paramref name="predictedDepth"/> when it
    /// is a number ≥ 0 (+∞ allowed), else the cutoff (the product's fallback where the calibration has no answer), else
    /// 0; D below half a layer counts as ½ (no layer trains; the score's boundary convention); the result is clamped to
    /// ±<see cref="MaxLogRatio"/>, so +∞ gives ln 1000.
    /// </summary>
    /// <param name="predictedDepth">The calibrated predicted depth D.</param>
    /// <param name="cutoff">The authors' cutoff, used when D is NaN or negative.</param>
    /// <param name="depth">Depth L (at least 1).</param>
    public static double LogPredictedDepthOverDepth(double predictedDepth, double cutoff, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        double d = predictedDepth >= 0 ? predictedDepth : cutoff >= 0 ? cutoff : 0;
        return Math.Clamp(Math.Log(Math.Max(d, 0.5) / depth), -MaxLogRatio, MaxLogRatio);
    }

    internal static void Map(TrainabilityFeaturesInput input, TrainabilityFeaturesOutput output)
    {
        float[] f = Compute(Math.Max(1, input.Depth), input.Cutoff, input.EntropyCurve ?? [], input.XiC, input.PredictedDepth);
        output.CutoffOverDepth = f[0];
        output.DepthOverSixXiC = f[1];
        output.CurveMean = f[2];
        output.CurveStdDev = f[3];
        output.CurveAtDepth = f[4];
        output.LogPredictedDepthOverDepth = f[5];
    }
}

/// <summary>Recreates the stateless feature mapping when ML.NET loads a model.</summary>
[CustomMappingFactoryAttribute(TrainabilityFeatures.ContractName)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainabilityFeaturesMappingFactory : CustomMappingFactory<TrainabilityFeaturesInput, TrainabilityFeaturesOutput>
{
    /// <inheritdoc />
    public override Action<TrainabilityFeaturesInput, TrainabilityFeaturesOutput> GetMapping() => TrainabilityFeatures.Map;
}
