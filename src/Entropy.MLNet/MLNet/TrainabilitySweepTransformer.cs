using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.MLNet;

/// <summary>
/// A fitted trainability sweep as an ML.NET transformer over configurations. Input columns: <c>SigmaW2</c> (Single),
/// <c>SigmaB2</c> (Single), <c>Depth</c> (Int32) and optionally <c>Activation</c> (Text). Added columns:
/// <c>Cutoff</c> (Single), <c>EntropyCurve</c> (vector of Single), <c>Score</c> (Single, the project's trainability score in (0, 1)),
/// <c>PredictedTrainable</c> (Boolean, Cutoff ≥ Depth) and <c>XiC</c> (Single, mean-field ξ_c).
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

    /// <summary>ML.NET writes the mapping for the schema last used (the table goes in through <see cref="TrainabilityModel"/>).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ITransformer inner;
        lock (_gate)
        {
            inner = _inner.TryGetValue(WithActivation, out var t) ? t : Build(WithActivation);
        }
        inner.Save(ctx);
    }

    internal static TrainabilitySweepTransformer Create(MLContext context, SweepTable table) => new(context, new SweepMapping(table), null, false);

    /// <summary>Checks the configuration columns; returns whether an Activation column is present.</summary>
    internal static bool CheckConfigurations(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        SchemaChecks.Scalar(schema, "SigmaW2", NumberDataViewType.Single);
        SchemaChecks.Scalar(schema, "SigmaB2", NumberDataViewType.Single);
        SchemaChecks.Scalar(schema, "Depth", NumberDataViewType.Int32);
        return SchemaChecks.OptionalScalar(schema, "Activation", TextDataViewType.Instance);
    }

    /// <inheritdoc cref="CheckConfigurations(DataViewSchema)"/>
    internal static bool CheckConfigurations(SchemaShape shape)
    {
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
