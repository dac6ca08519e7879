using Entropy.MLNet.Runtime;
using System.ComponentModel;
using Entropy.MLNet.Probe;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using static TorchSharp.torch;

namespace Entropy.MLNet.MLNet;

/// <summary>Input row of the saveable probe mapping (internal column name; not for direct use).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ProbeMappingInput
{
    /// <summary>The image, C·H·W floats (copied from the user's column).</summary>
    [VectorType]
#pragma warning disable CA1819 // ML.NET maps vector columns to array properties.
    public float[] EntropyMLNetProbeInput { get; set; } = [];
}

/// <summary>Output row of the saveable probe mapping (internal column names; not for direct use).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ProbeMappingOutput
{
    /// <summary>Relative entropy per curve layer.</summary>
    [VectorType]
    public float[] EntropyMLNetProbeEntropy { get; set; } = [];

    /// <summary>Reconstructions at the chosen layers, layer after layer, each C·H·W.</summary>
    [VectorType]
    public float[] EntropyMLNetProbeReconstruction { get; set; } = [];
#pragma warning restore CA1819
}

/// <summary>The state of one fitted probe mapping: the trained model and which reconstructions to emit.</summary>
internal sealed class ProbeMapping
{
    /// <summary>Versioned contract name; never reuse it for a different mapping.</summary>
    public const string ContractName = "Entropy.MLNet.ReconstructionProbe.v1";

    public ProbeMapping(ProbeModel model, int[] reconstructionLayers)
    {
        Model = model;
        ReconstructionLayers = reconstructionLayers;
    }

    public ProbeModel Model { get; }

    public int[] ReconstructionLayers { get; }

    /// <summary>The probe's column names, as saved (null for a file saved before they were).</summary>
    public ProbeColumns? Columns { get; init; }

    /// <summary>Libtorch intra-op threads a row is scored with, whatever thread scores it.</summary>
    internal const int ScoringThreads = 1;

    /// <summary>
    /// The row mapping. ML.NET calls it from several threads at once; each call works in its own dispose scope under
    /// inference mode (both thread-local), and the model is only read. The calling thread's intra-op count is pinned
    /// for the call: ML.NET's threads carry whatever count they inherited, and a product's reduction order (so its last
    /// bits) follows the count, which would make a row's scores depend on the thread that scored it. One thread: a
    /// single row's products gain nothing from more.
    /// </summary>
    public void Map(ProbeMappingInput input, ProbeMappingOutput output)
    {
        float[] pixels = input.EntropyMLNetProbeInput ?? [];
        if (pixels.Length != Model.InputSize)
        {
            throw new ArgumentException(
                $"The probe's image column holds {pixels.Length} values in this row; the fitted probe expects {Model.InputSize} (C·H·W = {string.Join('x', Model.ImageShape)}).",
                nameof(input));
        }
        using var pinned = TorchThreads.Pin(ScoringThreads);
        output.EntropyMLNetProbeEntropy = Model.RelativeEntropyPerLayer(pixels, 1);
        output.EntropyMLNetProbeReconstruction = ReconstructionLayers.Length == 0 ? [] : Reconstruct(pixels);
    }

    private float[] Reconstruct(float[] pixels)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        using Tensor x = tensor(pixels, [1, pixels.Length]);
        Tensor all = Model.ReconstructionsFromAllLayers(x);
        using Tensor index = tensor(Array.ConvertAll(ReconstructionLayers, l => (long)(l - 1)), device: all.device);
        using Tensor chosen = all.index_select(1, index).cpu().contiguous();
        return chosen.data<float>().ToArray();
    }
}

/// <summary>The user's column names of a probe.</summary>
internal sealed record ProbeColumns(string Input, string Output, string Reconstruction)
{
    public static ProbeColumns? From(string? input, string? output, string? reconstruction) =>
        string.IsNullOrWhiteSpace(input) || string.IsNullOrWhiteSpace(output) || string.IsNullOrWhiteSpace(reconstruction)
            ? null
            : new ProbeColumns(input, output, reconstruction);
}

/// <summary>
/// Rebuilds the probe mapping when ML.NET loads a model; ML.NET creates it by contract name with its parameterless
/// constructor, so the trained state comes from <see cref="TrainabilityModel.Load(Microsoft.ML.MLContext, string, out Microsoft.ML.DataViewSchema)"/>.
/// </summary>
[CustomMappingFactoryAttribute(ProbeMapping.ContractName)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ReconstructionProbeMappingFactory : CustomMappingFactory<ProbeMappingInput, ProbeMappingOutput>
{
    /// <inheritdoc />
    public override Action<ProbeMappingInput, ProbeMappingOutput> GetMapping()
        => StagedArtifacts.Take<ProbeMapping>(ProbeMapping.ContractName).Map;
}
