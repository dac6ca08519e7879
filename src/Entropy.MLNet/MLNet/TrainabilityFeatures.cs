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

/// <summary>The predictor's feature vector.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainabilityFeaturesOutput
{
    /// <summary>See <see cref="TrainabilityFeatures"/>.</summary>
    [VectorType(MLNet.TrainabilityFeatures.Count)]
    public float[] TrainabilityFeatures { get; set; } = new float[MLNet.TrainabilityFeatures.Count];
}

/// <summary>
/// The probe features the trainability predictor learns from, per configuration: [0] Cutoff / L; [1] L / (6 ξ_c)
/// (0 when ξ_c is unknown or infinite); [2] the mean and [3] the standard deviation of the entropy curve divided by its
/// last value; [4] the position of L on the curve: the curve value at layer min(L, curve length) divided by the last
/// value. A stateless mapping: ML.NET saves and loads it by contract name alone.
/// </summary>
public static class TrainabilityFeatures
{
    /// <summary>Number of features.</summary>
    public const int Count = 5;

    /// <summary>The feature column's name.</summary>
    public const string ColumnName = nameof(TrainabilityFeaturesOutput.TrainabilityFeatures);

    internal const string ContractName = "Entropy.MLNet.TrainabilityFeatures.v1";

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

    internal static void Map(TrainabilityFeaturesInput input, TrainabilityFeaturesOutput output) =>
        output.TrainabilityFeatures = Compute(Math.Max(1, input.Depth), input.Cutoff, input.EntropyCurve ?? [], input.XiC);
}

/// <summary>Recreates the stateless feature mapping when ML.NET loads a model.</summary>
[CustomMappingFactoryAttribute(TrainabilityFeatures.ContractName)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainabilityFeaturesMappingFactory : CustomMappingFactory<TrainabilityFeaturesInput, TrainabilityFeaturesOutput>
{
    /// <inheritdoc />
    public override Action<TrainabilityFeaturesInput, TrainabilityFeaturesOutput> GetMapping() => TrainabilityFeatures.Map;
}
