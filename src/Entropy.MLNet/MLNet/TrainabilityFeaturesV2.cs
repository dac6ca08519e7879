using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

#pragma warning disable CA1819 // ML.NET maps vector columns to array properties.

namespace Entropy.MLNet.MLNet;

/// <summary>What the v2 feature mapping reads (models saved before the calibrated-depth feature).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainabilityFeaturesV2Input
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

/// <summary>The v2 features: the first five of <see cref="TrainabilityFeatures.SlotNames"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainabilityFeaturesV2Output
{
    /// <summary>Cutoff / L.</summary>
    public float CutoffOverDepth { get; set; }

    /// <summary>L / (6 ξ_c).</summary>
    public float DepthOverSixXiC { get; set; }

    /// <summary>Mean of the entropy curve over its last value.</summary>
    public float CurveMean { get; set; }

    /// <summary>Standard deviation of the entropy curve over its last value.</summary>
    public float CurveStdDev { get; set; }

    /// <summary>The curve at layer min(L, curve length) over its last value.</summary>
    public float CurveAtDepth { get; set; }
}

/// <summary>
/// Recreates the v2 feature mapping (five features, no calibrated depth) when ML.NET loads a predictor saved before
/// v3: such a model keeps the features its classifier was trained on and predicts as it did (<see cref="TrainabilityFeatures"/>).
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainabilityFeaturesV2MappingFactory : CustomMappingFactory<TrainabilityFeaturesV2Input, TrainabilityFeaturesV2Output>
{
    internal const string ContractName = "Entropy.MLNet.TrainabilityFeatures.v2";

    /// <inheritdoc />
    public override Action<TrainabilityFeaturesV2Input, TrainabilityFeaturesV2Output> GetMapping() => Map;

    private static void Map(TrainabilityFeaturesV2Input input, TrainabilityFeaturesV2Output output)
    {
        // The first five features of v3 are v2's, computed the same way.
        float[] f = TrainabilityFeatures.Compute(Math.Max(1, input.Depth), input.Cutoff, input.EntropyCurve ?? [], input.XiC, float.NaN);
        output.CutoffOverDepth = f[0];
        output.DepthOverSixXiC = f[1];
        output.CurveMean = f[2];
        output.CurveStdDev = f[3];
        output.CurveAtDepth = f[4];
    }
}
