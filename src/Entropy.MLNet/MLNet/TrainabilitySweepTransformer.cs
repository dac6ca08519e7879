using Microsoft.ML;
using Microsoft.ML.Data;

// Exceptions name the column at fault (not a method parameter), as ML.NET does.
#pragma warning disable CA2208

namespace Entropy.MLNet.MLNet;

/// <summary>
/// A fitted trainability sweep as an ML.NET transformer over configurations. Input columns: <c>SigmaW2</c> (Single),
/// <c>SigmaB2</c> (Single), <c>Depth</c> (Int32) and optionally <c>Activation</c> (Text). Added columns:
/// <c>Cutoff</c> (Single), <c>EntropyCurve</c> (vector of Single), <c>ProbeScore</c> (Single, the project's trainability
/// score in (0, 1)), <c>PredictedLabel</c> (Boolean, calibrated predicted depth ≥ Depth; the cutoff for tables saved without one),
/// <c>XiC</c> (Single, mean-field ξ_c) and <c>PredictedDepth</c> (Single, the depth ProbeScore and PredictedLabel read).
/// <para>
/// It transforms configurations, not the images it was fitted on, so it cannot follow image transforms in one
/// estimator chain: fit it on its own and apply it to a view of configurations (images in gives an
/// <see cref="ArgumentOutOfRangeException"/> that says so).
/// </para>
/// <para>
/// Between grid points σ_w² is interpolated linearly (cutoff and curve); a σ_w² outside the fitted range, a σ_b² or an
/// activation not in the grid is rejected with an <see cref="ArgumentOutOfRangeException"/> naming the column (ML.NET
/// wraps errors raised while cursoring in an <see cref="InvalidOperationException"/>; <see cref="Predict"/> throws it
/// directly).
/// </para>
/// </summary>
public sealed class TrainabilitySweepTransformer : ITransformer
{
    private readonly MLContext _context;
    private readonly Dictionary<bool, ITransformer> _inner = [];
    private readonly Lock _gate = new();

    private TrainabilitySweepTransformer(MLContext context, SweepMapping mapping, ITransformer? inner, bool activation)
    {
        _context = context;
        Mapping = mapping;
        if (inner is not null)
        {
            _inner[activation] = inner;
            WithActivation = activation;
        }
    }

    /// <summary>What the sweep measured at each grid point.</summary>
    public SweepTable Table => Mapping.Table;

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    internal SweepMapping Mapping { get; }

    internal bool WithActivation { get; private set; }

    internal string ContractName => WithActivation ? SweepMapping.ContractNameWithActivation : SweepMapping.ContractName;

    /// <summary>Predicts one configuration (see the class remarks for the grid rules).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The configuration is outside the fitted grid.</exception>
    public SweepPrediction Predict(double sigmaW2, double sigmaB2, int depth, string? activation = null) => Table.Predict(sigmaW2, sigmaB2, depth, activation);

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => For(inputSchema).GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => For(inputSchema).GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return For(input.Schema).Transform(input);
    }

    /// <summary>
    /// ML.NET writes the mapping for the schema last used (the table goes in through <see cref="TrainabilityModel"/>);
    /// a plain <c>mlContext.Model.Save</c> is refused, as its file would lack the table.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside <see cref="TrainabilityModel.Save(MLContext, ITransformer, DataViewSchema, string)"/>.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        TrainabilityModel.RefuseSaveWithoutState("trainability sweep", "fitted table");
        ITransformer inner;
        lock (_gate)
        {
            inner = _inner.TryGetValue(WithActivation, out var t) ? t : Build(WithActivation);
        }
        inner.Save(ctx);
    }

    internal static TrainabilitySweepTransformer Create(MLContext context, SweepTable table) => new(context, new SweepMapping(table), null, false);

    /// <summary>The typed transformer around the CustomMapping ML.NET loaded for a saved sweep.</summary>
    internal static TrainabilitySweepTransformer Reloaded(MLContext context, SweepMapping mapping, ITransformer inner, bool activation) =>
        new(context, mapping, inner, activation);

    /// <summary>What a schema without the configuration columns most likely means: the sweep was put into an image pipeline.</summary>
    internal const string NotConfigurationsHint =
        "The trainability sweep transforms configurations (columns SigmaW2, SigmaB2, Depth and optionally Activation), not the images it " +
        "is fitted on, so it cannot follow image transforms in one estimator chain (.Append): fit it on its own, " +
        "sweep = mlContext.Trainability().Sweep(...).Fit(images), then call sweep.Transform on a view of configurations.";

    /// <summary>Checks the configuration columns; returns whether an Activation column is present.</summary>
    internal static bool CheckConfigurations(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.GetColumnOrNull("SigmaW2") is null)
        {
            throw new ArgumentOutOfRangeException("SigmaW2", "Input column 'SigmaW2' was not found. " + NotConfigurationsHint);
        }
        SchemaChecks.Scalar(schema, "SigmaW2", NumberDataViewType.Single);
        SchemaChecks.Scalar(schema, "SigmaB2", NumberDataViewType.Single);
        SchemaChecks.Scalar(schema, "Depth", NumberDataViewType.Int32);
        return SchemaChecks.OptionalScalar(schema, "Activation", TextDataViewType.Instance);
    }

    /// <inheritdoc cref="CheckConfigurations(DataViewSchema)"/>
    internal static bool CheckConfigurations(SchemaShape shape)
    {
        if (!shape.Any(c => c.Name == "SigmaW2"))
        {
            throw new ArgumentOutOfRangeException("SigmaW2", "Input column 'SigmaW2' was not found. " + NotConfigurationsHint);
        }
        SchemaChecks.Scalar(shape, "SigmaW2", NumberDataViewType.Single);
        SchemaChecks.Scalar(shape, "SigmaB2", NumberDataViewType.Single);
        SchemaChecks.Scalar(shape, "Depth", NumberDataViewType.Int32);
        return SchemaChecks.OptionalScalar(shape, "Activation", TextDataViewType.Instance);
    }

    internal static IEstimator<ITransformer> BuildInner(MLContext context, SweepMapping mapping, bool activation) => activation
        ? context.Transforms.CustomMapping<SweepMappingInputWithActivation, SweepMappingOutput>(mapping.MapWithActivation, SweepMapping.ContractNameWithActivation)
        : context.Transforms.CustomMapping<SweepMappingInput, SweepMappingOutput>(mapping.Map, SweepMapping.ContractName);

    private ITransformer For(DataViewSchema schema)
    {
        bool activation = CheckConfigurations(schema);
        lock (_gate)
        {
            WithActivation = activation;
            if (!_inner.TryGetValue(activation, out var inner))
            {
                inner = Build(activation);
                _inner[activation] = inner;
            }
            return inner;
        }
    }

    private ITransformer Build(bool activation)
    {
        // CustomMapping is trivial to fit: an empty view of the right schema is enough.
        var estimator = BuildInner(_context, Mapping, activation);
        IDataView empty = activation
            ? _context.Data.LoadFromEnumerable(Array.Empty<SweepMappingInputWithActivation>())
            : _context.Data.LoadFromEnumerable(Array.Empty<SweepMappingInput>());
        return estimator.Fit(empty);
    }
}
