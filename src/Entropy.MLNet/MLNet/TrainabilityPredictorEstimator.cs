using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Entropy.MLNet.MLNet;

/// <summary>
/// The trainability predictor: an ML.NET binary-classification pipeline on probe features. Given a fitted
/// <see cref="TrainabilitySweepTransformer"/>, <c>Fit</c> on labelled configurations (<c>SigmaW2</c>, <c>SigmaB2</c>,
/// <c>Depth</c>, optional <c>Activation</c>, and a Boolean label: did a network of that configuration train) runs
/// sweep → <see cref="TrainabilityFeatures"/> (a vector with slot names, the calibrated predicted depth ln(D / L) among
/// them; without the mean-field slot when <see cref="TrainabilityPredictorOptions.ProbeFeaturesOnly"/>) → L-BFGS
/// logistic regression. The fitted chain adds
/// <c>Score</c> (the raw margin), <c>Probability</c> (calibrated: the predicted probability that the configuration
/// trains) and <c>PredictedLabel</c> (the classifier's; the sweep's own decision is dropped, it is <c>ProbeScore</c> &gt; ½);
/// the sweep's <c>Cutoff</c>, <c>EntropyCurve</c>, <c>ProbeScore</c>, <c>XiC</c> and <c>PredictedDepth</c> stay. Evaluate it
/// with <c>mlContext.BinaryClassification.Evaluate(predictions, labelColumnName)</c>; save it with <see cref="TrainabilityModel"/>.
/// </summary>
public sealed class TrainabilityPredictorEstimator : IEstimator<TransformerChain<ITransformer>>
{
    private readonly MLContextEnvironment _env;
    private readonly TrainabilitySweepTransformer _sweep;
    private readonly TrainabilityPredictorOptions _options;

    internal TrainabilityPredictorEstimator(MLContext context, TrainabilitySweepTransformer sweep, TrainabilityPredictorOptions options)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.LabelColumnName, nameof(options.LabelColumnName));
        _env = new MLContextEnvironment(context, "TrainabilityPredictor");
        _sweep = sweep;
        _options = options;
    }

    /// <summary>Checks the configuration and label columns, then trains the classifier.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A configuration column or the label is missing or of the wrong type.</exception>
    public TransformerChain<ITransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        TrainabilitySweepTransformer.CheckConfigurations(input.Schema);
        SchemaChecks.Scalar(input.Schema, _options.LabelColumnName, BooleanDataViewType.Instance);
        using IChannel channel = _env.Start("Fit");
        IDataView swept = _sweep.Transform(input);
        // The sweep's outputs are cheap and deterministic: cache them so the L-BFGS passes do not recompute ξ_c.
        var head = Head().Fit(swept);
        var trainer = Trainer().Fit(_env.Context.Data.Cache(head.Transform(swept)));
        channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
            $"Trainability predictor trained on {input.GetRowCount()?.ToString(CultureInfo.InvariantCulture) ?? "?"} labelled configurations."));
        return new TransformerChain<ITransformer>([_sweep, .. head, trainer]);
    }

    /// <summary>The output schema on a labelled configurations schema; checks the columns first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A configuration column or the label is missing or of the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        TrainabilitySweepTransformer.CheckConfigurations(inputSchema);
        SchemaChecks.Scalar(inputSchema, _options.LabelColumnName, BooleanDataViewType.Instance);
        bool activation = SchemaChecks.OptionalScalar(inputSchema, "Activation", TextDataViewType.Instance);
        var shape = TrainabilitySweepTransformer.BuildInner(_env.Context, _sweep.Mapping, activation).GetOutputSchema(inputSchema);
        return Head().Append(Trainer()).GetOutputSchema(shape);
    }

    /// <summary>
    /// Features as scalar columns, concatenated into one vector (ML.NET names each slot after its column, and saves the
    /// names with the model), then the scalars and the sweep's decision (superseded by the classifier's) dropped.
    /// </summary>
    private EstimatorChain<ITransformer> Head()
    {
        var ml = _env.Context;
        string[] slots = [.. TrainabilityFeatures.SlotNames.Where(n => !_options.ProbeFeaturesOnly || n != TrainabilityFeatures.MeanFieldSlotName)];
        return ml.Transforms.CustomMapping<TrainabilityFeaturesInput, TrainabilityFeaturesOutput>(TrainabilityFeatures.Map, TrainabilityFeatures.ContractName)
            .Append<ITransformer>(ml.Transforms.Concatenate(TrainabilityFeatures.ColumnName, slots))
            .Append<ITransformer>(ml.Transforms.DropColumns([.. TrainabilityFeatures.SlotNames, "PredictedLabel"]));
    }

    private Microsoft.ML.Trainers.LbfgsLogisticRegressionBinaryTrainer Trainer() =>
        _env.Context.BinaryClassification.Trainers.LbfgsLogisticRegression(new Microsoft.ML.Trainers.LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = _options.LabelColumnName,
            FeatureColumnName = TrainabilityFeatures.ColumnName,
            L2Regularization = _options.L2Regularization,
            L1Regularization = _options.L1Regularization,
        });
}
