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
}

/// <summary>
/// The probe features the trainability predictor learns from, per configuration, in slot order: [0]
/// <c>CutoffOverDepth</c> = Cutoff / L; [1] <c>DepthOverSixXiC</c> = L / (6 ξ_c) (0 when ξ_c is unknown or infinite),
/// the mean-field feature; [2] <c>CurveMean</c> and [3] <c>CurveStdDev</c>: the mean and standard deviation of the
/// entropy curve divided by its last value; [4] <c>CurveAtDepth</c>: the curve value at layer min(L, curve length)
/// divided by the last value. The predictor's feature column carries these as slot names (so feature importance can
/// name them); with <see cref="TrainabilityPredictorOptions.ProbeFeaturesOnly"/> it leaves out the mean-field slot.
/// A stateless mapping: ML.NET saves and loads it by contract name alone.
/// </summary>
public static class TrainabilityFeatures
{
    /// <summary>Number of features.</summary>
    public const int Count = 5;

    /// <summary>The feature column's name.</summary>
    public const string ColumnName = "TrainabilityFeatures";

    /// <summary>Slot name of the mean-field feature L / (6 ξ_c), which <see cref="TrainabilityPredictorOptions.ProbeFeaturesOnly"/> leaves out.</summary>
    public const string MeanFieldSlotName = nameof(TrainabilityFeaturesOutput.DepthOverSixXiC);

    /// <summary>The slot names of all <see cref="Count"/> features, in the order of <see cref="Compute"/>.</summary>
    public static IReadOnlyList<string> SlotNames { get; } =
    [
        nameof(TrainabilityFeaturesOutput.CutoffOverDepth),
        MeanFieldSlotName,
        nameof(TrainabilityFeaturesOutput.CurveMean),
        nameof(TrainabilityFeaturesOutput.CurveStdDev),
        nameof(TrainabilityFeaturesOutput.CurveAtDepth),
    ];

    // v2 (0.1.0): scalar columns concatenated into the feature vector, so that its slots have names.
    internal const string ContractName = "Entropy.MLNet.TrainabilityFeatures.v2";

    /// <summary>Computes the features of one configuration.</summary>
    /// <param name="depth">Depth L (at least 1).</param>
    /// <param name="cutoff">The sweep's cutoff.</param>
    /// <param name="curve">The sweep's entropy curve.</param>
    /// <param name="xiC">Mean-field ξ_c.</param>
    public static float[] Compute(int depth, float cutoff, ReadOnlySpan<float> curve, float xiC)
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
        return f;
    }

    internal static void Map(TrainabilityFeaturesInput input, TrainabilityFeaturesOutput output)
    {
        float[] f = Compute(Math.Max(1, input.Depth), input.Cutoff, input.EntropyCurve ?? [], input.XiC);
        output.CutoffOverDepth = f[0];
        output.DepthOverSixXiC = f[1];
        output.CurveMean = f[2];
        output.CurveStdDev = f[3];
        output.CurveAtDepth = f[4];
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
