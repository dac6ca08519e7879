using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

#pragma warning disable CA1819 // ML.NET maps vector columns to array properties.

namespace Entropy.MLNet.MLNet;

/// <summary>A network configuration as the sweep reads it (columns <c>SigmaW2</c>, <c>SigmaB2</c>, <c>Depth</c>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public class SweepMappingInput
{
    /// <summary>Weight variance σ_w².</summary>
    public float SigmaW2 { get; set; }

    /// <summary>Bias variance σ_b².</summary>
    public float SigmaB2 { get; set; }

    /// <summary>Depth L of the network to judge.</summary>
    public int Depth { get; set; }
}

/// <summary>A configuration with an <c>Activation</c> column.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SweepMappingInputWithActivation : SweepMappingInput
{
    /// <summary>Activation name (tanh, relu, …).</summary>
    public string Activation { get; set; } = "";
}

/// <summary>The columns the sweep adds.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SweepMappingOutput
{
    /// <summary>Predicted maximum trainable depth.</summary>
    public float Cutoff { get; set; }

    /// <summary>Median relative entropy per probe layer.</summary>
    [VectorType]
    public float[] EntropyCurve { get; set; } = [];

    /// <summary>The probe's trainability score in (0, 1), above ½ exactly when the calibrated predicted depth (the cutoff for tables without one) ≥ Depth (see <see cref="SweepPrediction"/>); named so that it never collides with a trainer's <c>Score</c>.</summary>
    public float ProbeScore { get; set; }

    /// <summary>Predicted depth ≥ Depth: predicted trainable (ML.NET's name for a binary decision).</summary>
    public bool PredictedLabel { get; set; }

    /// <summary>Mean-field ξ_c.</summary>
    public float XiC { get; set; }

    /// <summary>The depth ProbeScore and PredictedLabel read: the calibrated predicted depth, or the cutoff for a table without one (see <see cref="SweepPrediction.PredictedDepth"/>).</summary>
    public float PredictedDepth { get; set; }
}

/// <summary>The sweep's row mapping around a <see cref="SweepTable"/> (read-only, so thread-safe).</summary>
internal sealed class SweepMapping(SweepTable table)
{
    // v2 (0.1.0): the columns Score and PredictedTrainable became ProbeScore and PredictedLabel.
    public const string ContractName = "Entropy.MLNet.TrainabilitySweep.v2";
    public const string ContractNameWithActivation = "Entropy.MLNet.TrainabilitySweep.Activation.v2";
    public const string ContractNameV1 = "Entropy.MLNet.TrainabilitySweep.v1";
    public const string ContractNameWithActivationV1 = "Entropy.MLNet.TrainabilitySweep.Activation.v1";

    public SweepTable Table { get; } = table;

    public void Map(SweepMappingInput input, SweepMappingOutput output) => Fill(Table.Predict(input.SigmaW2, input.SigmaB2, input.Depth, null), output);

    public void MapWithActivation(SweepMappingInputWithActivation input, SweepMappingOutput output) =>
        Fill(Table.Predict(input.SigmaW2, input.SigmaB2, input.Depth, input.Activation), output);

    private static void Fill(SweepPrediction p, SweepMappingOutput output)
    {
        output.Cutoff = p.Cutoff;
        output.EntropyCurve = p.EntropyCurve;
        output.ProbeScore = p.Score;
        output.PredictedLabel = p.PredictedTrainable;
        output.XiC = p.XiC;
        output.PredictedDepth = p.PredictedDepth;
    }
}

/// <summary>Rebuilds the sweep mapping (no Activation column) when ML.NET loads a model.</summary>
[CustomMappingFactoryAttribute(SweepMapping.ContractName)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainabilitySweepMappingFactory : CustomMappingFactory<SweepMappingInput, SweepMappingOutput>
{
    /// <inheritdoc />
    public override Action<SweepMappingInput, SweepMappingOutput> GetMapping() => StagedArtifacts.Take<SweepMapping>(SweepMapping.ContractName).Map;
}

/// <summary>Rebuilds the sweep mapping (with an Activation column) when ML.NET loads a model.</summary>
[CustomMappingFactoryAttribute(SweepMapping.ContractNameWithActivation)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainabilitySweepActivationMappingFactory : CustomMappingFactory<SweepMappingInputWithActivation, SweepMappingOutput>
{
    /// <inheritdoc />
    public override Action<SweepMappingInputWithActivation, SweepMappingOutput> GetMapping() =>
        StagedArtifacts.Take<SweepMapping>(SweepMapping.ContractNameWithActivation).MapWithActivation;
}
