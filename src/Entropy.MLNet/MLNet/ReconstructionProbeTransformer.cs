using Entropy.MLNet.Data;
using Entropy.MLNet.Probe;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.MLNet;

/// <summary>
/// A fitted reconstruction probe as an ML.NET transformer. It adds the column of relative entropies per layer (and
/// optionally the reconstructions) lazily, row by row; it is a row-to-row mapper, so <c>PredictionEngine</c> works, and
/// ML.NET may call it from several threads at once (safe: every row runs in its own TorchSharp dispose scope under
/// inference mode). Inside it is ML.NET's saveable <c>CopyColumns → CustomMapping → CopyColumns → DropColumns</c>;
/// save and load it with <see cref="TrainabilityModel"/>, which adds the TorchSharp weights to the same .zip. Dispose it
/// (or the chain holding it) to free the native memory.
/// </summary>
public sealed class ReconstructionProbeTransformer : ITransformer, IDisposable
{
    private const string InternalInput = nameof(ProbeMappingInput.EntropyMLNetProbeInput);
    private const string InternalEntropy = nameof(ProbeMappingOutput.EntropyMLNetProbeEntropy);
    private const string InternalReconstruction = nameof(ProbeMappingOutput.EntropyMLNetProbeReconstruction);

    private readonly ITransformer _inner;

    private ReconstructionProbeTransformer(ITransformer inner, ProbeMapping mapping, string input, string output, string reconstruction)
    {
        _inner = inner;
        Mapping = mapping;
        InputColumnName = input;
        OutputColumnName = output;
        ReconstructionColumnName = reconstruction;
    }

    /// <summary>The trained probe (frozen network and decoders).</summary>
    public ProbeModel Model => Mapping.Model;

    /// <summary>The image column read.</summary>
    public string InputColumnName { get; }

    /// <summary>The relative-entropy column added (a vector of <see cref="ProbeModel.CurveLength"/> values).</summary>
    public string OutputColumnName { get; }

    /// <summary>
    /// The reconstruction column added: a vector of |<see cref="ReconstructionLayers"/>| · C·H·W values per row, empty
    /// when no layers were chosen (the column is always there, so one row class fits every probe).
    /// </summary>
    public string ReconstructionColumnName { get; }

    /// <summary>Layers whose reconstructions fill <see cref="ReconstructionColumnName"/>, in order, each C·H·W values.</summary>
    public IReadOnlyList<int> ReconstructionLayers => Mapping.ReconstructionLayers;

    /// <summary>Image shape of the inputs and reconstructions.</summary>
    public ImageShape ImageShape => new(Model.ImageShape[0], Model.ImageShape[1], Model.ImageShape[2]);

    /// <inheritdoc />
    public bool IsRowToRowMapper => _inner.IsRowToRowMapper;

    internal ProbeMapping Mapping { get; }

    /// <summary>
    /// Relative entropy per layer for many images at once, in batches (faster than row-by-row scoring on large data;
    /// values may differ from the row-by-row column in the last bits).
    /// </summary>
    /// <param name="data">Data with <see cref="InputColumnName"/>.</param>
    /// <param name="batchSize">Images per batch.</param>
    public IEnumerable<float[]> ScoreBatched(IDataView data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        SchemaChecks.FloatVector(data.Schema, InputColumnName, Model.InputSize);
        return Iterate(data, batchSize);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, not a float vector or of the wrong size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        SchemaChecks.FloatVector(inputSchema, InputColumnName, Model.InputSize);
        return _inner.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        SchemaChecks.FloatVector(inputSchema, InputColumnName, Model.InputSize);
        return _inner.GetRowToRowMapper(inputSchema);
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        SchemaChecks.FloatVector(input.Schema, InputColumnName, Model.InputSize);
        return _inner.Transform(input);
    }

    /// <summary>
    /// ML.NET writes the inner chain; the weights are added by <see cref="TrainabilityModel.Save(MLContext, ITransformer, DataViewSchema, string)"/>.
    /// A plain <c>mlContext.Model.Save</c> is refused: its file would lack the weights and could not be loaded.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside <see cref="TrainabilityModel.Save(MLContext, ITransformer, DataViewSchema, string)"/>.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        TrainabilityModel.RefuseSaveWithoutState("reconstruction probe", "TorchSharp weights");
        _inner.Save(ctx);
    }

    /// <summary>Frees the network and decoders.</summary>
    public void Dispose() => Model.Dispose();

    internal static ReconstructionProbeTransformer Create(MLContext context, ProbeMapping mapping, string input, string output, string reconstruction, IDataView data)
    {
        ITransformer inner = BuildInner(context, mapping.Map, input, output, reconstruction).Fit(data);
        return new ReconstructionProbeTransformer(inner, mapping, input, output, reconstruction);
    }

    /// <summary>The typed transformer around the chain ML.NET loaded for a saved probe.</summary>
    internal static ReconstructionProbeTransformer Reloaded(ITransformer inner, ProbeMapping mapping, ProbeColumns columns) =>
        new(inner, mapping, columns.Input, columns.Output, columns.Reconstruction);

    /// <summary>
    /// CopyColumns(internal ← input) → CustomMapping(contract) → CopyColumns(output ← internal) → DropColumns(internal):
    /// the mapping sees fixed column names (ML.NET does not save renames), the user sees theirs.
    /// </summary>
    internal static IEstimator<ITransformer> BuildInner(MLContext context, Action<ProbeMappingInput, ProbeMappingOutput> map, string input, string output, string reconstruction) =>
        context.Transforms.CopyColumns(InternalInput, input)
            .Append(context.Transforms.CustomMapping(map, ProbeMapping.ContractName))
            .Append(context.Transforms.CopyColumns(output, InternalEntropy))
            .Append(context.Transforms.CopyColumns(reconstruction, InternalReconstruction))
            .Append(context.Transforms.DropColumns(InternalInput, InternalEntropy, InternalReconstruction));

    private IEnumerable<float[]> Iterate(IDataView data, int batchSize)
    {
        var column = data.Schema[InputColumnName];
        int n = Model.InputSize;
        int curve = Model.CurveLength;
        var batch = new float[batchSize * n];
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        int count = 0;
        while (true)
        {
            bool more = cursor.MoveNext();
            if (more)
            {
                getter(ref buffer);
                if (buffer.Length != n)
                {
                    throw new ArgumentOutOfRangeException(InputColumnName, $"Column '{InputColumnName}': a row holds {buffer.Length} values; the probe expects {n}.");
                }
                int k = 0;
                foreach (float v in buffer.DenseValues())
                {
                    batch[(count * n) + k++] = v;
                }
                count++;
            }
            if (count == batchSize || (!more && count > 0))
            {
                float[] values = Model.RelativeEntropyPerLayer(count == batchSize ? batch : batch.AsSpan(0, count * n).ToArray(), count);
                for (int i = 0; i < count; i++)
                {
                    yield return values.AsSpan(i * curve, curve).ToArray();
                }
                count = 0;
            }
            if (!more)
            {
                yield break;
            }
        }
    }
}
