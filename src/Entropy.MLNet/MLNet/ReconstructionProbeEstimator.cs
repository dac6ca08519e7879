using System.Globalization;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using Microsoft.ML;
using Microsoft.ML.Runtime;

// Exceptions name the column, option or context setting at fault (not a method parameter), as ML.NET does.
#pragma warning disable CA2208

namespace Entropy.MLNet.MLNet;

/// <summary>
/// Fits the reconstruction probe of one network configuration on an image column: builds the frozen deep network for
/// (σ_w², σ_b², L) and trains its cascade of decoders on the rows. The fitted
/// <see cref="ReconstructionProbeTransformer"/> adds, lazily row by row, the relative entropy of each image against its
/// reconstruction from every layer and, when asked, reconstructions at chosen layers. Create it with
/// <c>mlContext.Trainability().ReconstructionProbe(...)</c>.
/// </summary>
public sealed class ReconstructionProbeEstimator : IEstimator<ReconstructionProbeTransformer>
{
    private readonly MLContextEnvironment _env;
    private readonly ReconstructionProbeEstimatorOptions _options;

    internal ReconstructionProbeEstimator(MLContext context, ReconstructionProbeEstimatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _env = new MLContextEnvironment(context, "ReconstructionProbe");
        _options = options;
        options.Validate();
    }

    /// <summary>
    /// Checks the input column (present, a float vector) and the options, then trains the decoders. Nothing is trained
    /// when a check fails.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not a float vector, or an option is invalid (named in the exception).</exception>
    /// <exception cref="OperationCanceledException">The options' cancellation token was cancelled.</exception>
    public ReconstructionProbeTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (activation, width) = _options.Validate();
        SchemaChecks.FloatVector(input.Schema, _options.InputColumnName);
        DeviceKind device = _env.ResolveDevice(_options.Device);
        int seed = _env.Seed(_options.Seed);
        var ct = _options.CancellationToken;
        using IChannel channel = _env.Start("Fit");
        var images = DataViewImages.Read(input, _options.InputColumnName, _options.ImageShape, _options.Classes, "IDataView:" + _options.InputColumnName, ct);
        var probeOptions = _options.ToProbeOptions(activation, width, seed, device);
        probeOptions.Validate(images);
        channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
            $"Reconstruction probe: {images.Count} images of {images.Channels}x{images.Height}x{images.Width}, σ_w² = {_options.SigmaW2}, σ_b² = {_options.SigmaB2}, depth {_options.Depth}, {activation.Name}, seed {seed}, device {device}."));
        ProbeModel model = ReconstructionProbe.Fit(images, probeOptions, _options.Progress, ct);
        try
        {
            CheckLayers(model);
            channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
                $"Reconstruction probe trained {model.Network.Depth} decoders on {model.TrainSamples} images in {model.TrainSeconds:F2} s."));
            var mapping = new ProbeMapping(model, [.. _options.ReconstructionLayers]);
            return ReconstructionProbeTransformer.Create(_env.Context, mapping, _options.InputColumnName, _options.OutputColumnName, _options.ReconstructionColumnName, input);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The output schema: the input's columns plus the entropy (and reconstruction) columns; checks the input column first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not a float vector.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        _options.Validate();
        SchemaChecks.FloatVector(inputSchema, _options.InputColumnName);
        return ReconstructionProbeTransformer.BuildInner(_env.Context, (_, _) => { }, _options.InputColumnName, _options.OutputColumnName,
            _options.ReconstructionColumnName).GetOutputSchema(inputSchema);
    }

    private void CheckLayers(ProbeModel model)
    {
        foreach (int layer in _options.ReconstructionLayers)
        {
            if (layer > model.Network.Depth)
            {
                throw new ArgumentOutOfRangeException(nameof(ReconstructionProbeEstimatorOptions.ReconstructionLayers), layer,
                    $"ReconstructionLayers: layer {layer} is beyond the network's {model.Network.Depth} layers.");
            }
        }
    }
}
