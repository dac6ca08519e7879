using Entropy.MLNet.Probe;
using Microsoft.ML;
using Entropy.MLNet.Networks;

namespace Entropy.MLNet.MLNet;

/// <summary>
/// Adds <c>mlContext.Trainability()</c>. (ML.NET does not let third parties reach the <see cref="MLContext"/> from
/// <c>mlContext.Transforms</c>, so the catalog hangs off the context itself; the seed, log and GPU settings follow it.)
/// </summary>
public static class TrainabilityMLContextExtensions
{
    /// <summary>The trainability catalog: the reconstruction probe, the configuration sweep and the trainability predictor.</summary>
    /// <param name="mlContext">The ML.NET context; its seed, <c>Log</c>, <c>GpuDeviceId</c> and <c>FallbackToCpu</c> are used.</param>
    public static TrainabilityCatalog Trainability(this MLContext mlContext) => new(mlContext ?? throw new ArgumentNullException(nameof(mlContext)));
}

/// <summary>Factory methods of the trainability components (arXiv 2406.12916) for ML.NET pipelines.</summary>
public sealed class TrainabilityCatalog
{
    internal TrainabilityCatalog(MLContext context) => Context = context;

    /// <summary>The ML.NET context the components use.</summary>
    public MLContext Context { get; }

    /// <summary>The reconstruction probe of one configuration on an image column.</summary>
    /// <param name="outputColumnName">Column of the relative entropy per layer.</param>
    /// <param name="inputColumnName">Float-vector image column, planar C·H·W in [0, 1].</param>
    /// <param name="sigmaW2">Weight variance σ_w².</param>
    /// <param name="sigmaB2">Bias variance σ_b².</param>
    /// <param name="depth">Depth L of the network.</param>
    /// <param name="width">Width rule (wide, shrinking, a number or a list).</param>
    /// <param name="activation">Activation name.</param>
    /// <param name="reconstructionLayers">Layers whose reconstructions fill the <c>Reconstruction</c> column; none by default (the column is then empty).</param>
    public ReconstructionProbeEstimator ReconstructionProbe(string outputColumnName = "RelativeEntropy", string inputColumnName = "Features",
        double sigmaW2 = 1.0, double sigmaB2 = ProbeDefaults.MlpSigmaB2, int depth = 20, string width = "wide", string activation = "tanh", int[]? reconstructionLayers = null)
        => ReconstructionProbe(new ReconstructionProbeEstimatorOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            SigmaW2 = sigmaW2,
            SigmaB2 = sigmaB2,
            Depth = depth,
            Width = width,
            Activation = activation,
            ReconstructionLayers = reconstructionLayers ?? [],
        });

    /// <summary>The reconstruction probe with all settings.</summary>
    /// <param name="options">The settings (checked now and again at <c>Fit</c>).</param>
    public ReconstructionProbeEstimator ReconstructionProbe(ReconstructionProbeEstimatorOptions options) => new(Context, options);

    /// <summary>A trainability sweep over a σ_w² grid at one σ_b² and activation.</summary>
    /// <param name="sigmaW2">The σ_w² grid.</param>
    /// <param name="probeDepth">Depth of the probe networks.</param>
    /// <param name="inputColumnName">Float-vector image column.</param>
    /// <param name="sigmaB2">σ_b².</param>
    /// <param name="activation">Activation name.</param>
    public TrainabilitySweepEstimator Sweep(double[] sigmaW2, int probeDepth = 50, string inputColumnName = "Features", double sigmaB2 = ProbeDefaults.MlpSigmaB2, string activation = "tanh")
        => Sweep(new TrainabilitySweepOptions
        {
            SigmaW2 = sigmaW2,
            ProbeDepth = probeDepth,
            InputColumnName = inputColumnName,
            SigmaB2 = [sigmaB2],
            Activations = [activation],
        });

    /// <summary>A trainability sweep with all settings.</summary>
    /// <param name="options">The settings (checked now and again at <c>Fit</c>).</param>
    public TrainabilitySweepEstimator Sweep(TrainabilitySweepOptions options) => new(Context, options);

    /// <summary>The trainability predictor on a fitted sweep, with a Boolean label column.</summary>
    /// <param name="sweep">The fitted sweep that provides the probe features.</param>
    /// <param name="labelColumnName">Boolean ground truth: true = the configuration trained.</param>
    public TrainabilityPredictorEstimator Predictor(TrainabilitySweepTransformer sweep, string labelColumnName = "Label")
        => Predictor(sweep, new TrainabilityPredictorOptions { LabelColumnName = labelColumnName });

    /// <summary>The trainability predictor with all settings.</summary>
    /// <param name="sweep">The fitted sweep that provides the probe features.</param>
    /// <param name="options">The settings.</param>
    public TrainabilityPredictorEstimator Predictor(TrainabilitySweepTransformer sweep, TrainabilityPredictorOptions options) => new(Context, sweep, options);
}
