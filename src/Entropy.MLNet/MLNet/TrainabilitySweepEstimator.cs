using System.Globalization;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Sweep;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

// Exceptions name the column, option or context setting at fault (not a method parameter), as ML.NET does.
#pragma warning disable CA2208

namespace Entropy.MLNet.MLNet;

/// <summary>
/// Fits the reconstruction probe at every point of a configuration grid (σ_w² × σ_b² × activation, one probe depth)
/// on an image column, and keeps each point's cutoff and median entropy curve. The fitted
/// <see cref="TrainabilitySweepTransformer"/> maps configurations (<c>SigmaW2</c>, <c>SigmaB2</c>, <c>Depth</c>,
/// optional <c>Activation</c>) to <c>Cutoff</c>, <c>EntropyCurve</c>, <c>ProbeScore</c>, <c>PredictedLabel</c> and
/// <c>XiC</c>. Create it with <c>mlContext.Trainability().Sweep(...)</c>.
/// <para>
/// Unlike most estimators, <c>Fit</c> (images) and the fitted transformer (configurations) take different data, so the
/// sweep cannot sit in an estimator chain after image transforms (<c>.Append</c>): ML.NET checks a chain's schema on
/// the images and finds no configuration columns. Fit it on its own (on the output of a fitted image pipeline if
/// needed) and call <c>Transform</c> on configurations; <see cref="GetOutputSchema"/> describes that configurations
/// schema and refuses an image schema with a message that says so.
/// </para>
/// </summary>
public sealed class TrainabilitySweepEstimator : IEstimator<TrainabilitySweepTransformer>
{
    private readonly MLContextEnvironment _env;
    private readonly TrainabilitySweepOptions _options;

    internal TrainabilitySweepEstimator(MLContext context, TrainabilitySweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _env = new MLContextEnvironment(context, "TrainabilitySweep");
        _options = options;
        options.Validate();
    }

    /// <summary>Checks the image column and the options, then runs one probe per grid point (nothing runs when a check fails).</summary>
    /// <param name="input">Images (the rows are split, seeded, into decoder training and <see cref="TrainabilitySweepOptions.EntropySamples"/> held-out rows).</param>
    /// <exception cref="ArgumentOutOfRangeException">The image column is missing, not a float vector, or (CNN/ResNet) without an image shape; or an option is invalid.</exception>
    public TrainabilitySweepTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _options.Validate();
        var column = SchemaChecks.FloatVector(input.Schema, _options.InputColumnName);
        if (Convolutional && _options.ImageShape is null && ((VectorDataViewType)column.Type).Dimensions.Length < 2)
        {
            // Checked on the schema, before the images are read: a flat column would be read as 1×1×N images.
            throw new ArgumentOutOfRangeException(_options.InputColumnName,
                $"The {_options.Architecture} sweep needs images: column '{_options.InputColumnName}' is a flat vector without (C, H, W) dimensions; use a column that has them (ExtractPixels keeps them) or set ImageShape.");
        }
        var device = _env.ResolveDevice(_options.Device);
        int seed = _env.Seed(_options.Seed);
        var ct = _options.CancellationToken;
        using IChannel channel = _env.Start("Fit");
        ImageDataset all = DataViewImages.Read(input, _options.InputColumnName, _options.ImageShape, _options.Classes, "IDataView:" + _options.InputColumnName, ct);
        if (_options.EntropySamples >= all.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(TrainabilitySweepOptions.EntropySamples), _options.EntropySamples,
                $"EntropySamples ({_options.EntropySamples}) must be below the {all.Count} rows, which also train the decoders.");
        }
        var (train, test) = Split(all, _options.EntropySamples, seed);
        var width = ReconstructionProbeEstimatorOptions.ParseWidth(_options.Width, nameof(TrainabilitySweepOptions.Width));
        var grid = Grid(_options, seed);
        var probeOptions = grid.Select(g => _options.ToProbeOptions(g.Configuration, g.A, width, device)).ToList();
        foreach (var o in probeOptions)
        {
            o.Validate(train, test);
        }
        channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
            $"Trainability sweep: {grid.Count} grid points, probe depth {_options.ProbeDepth}, {train.Count} training and {test.Count} held-out images, seed {seed}."));
        var table = new SweepTable
        {
            ProbeDepth = _options.ProbeDepth,
            CutoffTolerance = _options.CutoffTolerance,
            Width = width.ToString(),
            Architecture = Convolutional ? Architectures.ArchitectureCatalog.Get(_options.Architecture).Name : null,
        };
        for (int i = 0; i < grid.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (c, a) = grid[i];
            var g = (W: c.SigmaW2, B: c.SigmaB2, A: a);
            int done = i;
            var progress = _options.Progress is { } p
                ? new InlineProgress<ProbeProgress>(pp => p.Report(new TrainabilitySweepProgress(done, grid.Count, g.W, g.B, g.A.Name, pp)))
                : null;
            ProbeResult result = ReconstructionProbe.Run(train, test, probeOptions[i], progress, ct);
            table.CurveLength = result.MedianRelativeEntropy.Length;
            table.Channels = result.Channels;
            table.Points.Add(new SweepPoint { SigmaW2 = g.W, SigmaB2 = g.B, Activation = g.A.Name, Cutoff = result.Cutoff, Curve = result.MedianRelativeEntropy, PredictedDepth = PredictedDepth(result) });
            channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
                $"σ_w² = {g.W}, σ_b² = {g.B}, {g.A.Name}: cutoff {result.Cutoff} of {table.CurveLength} ({result.TrainSeconds:F2} s)."));
            _options.Progress?.Report(new TrainabilitySweepProgress(i + 1, grid.Count, g.W, g.B, g.A.Name, null));
        }
        return TrainabilitySweepTransformer.Create(_env.Context, table);
    }

    private bool Convolutional => Architectures.ArchitectureCatalog.Get(_options.Architecture) is Architectures.Convolutional.ConvolutionalArchitecture;

    // The calibrated prediction of the product (docs/prediction.md), for this probe budget; null when it has no answer,
    // and for the CNN and ResNet, whose curves the calibration (fitted on MLPs) does not cover: the score reads the cutoff.
    private double? PredictedDepth(ProbeResult result)
    {
        if (Convolutional)
        {
            return null;
        }
        int n = result.MedianRelativeEntropy.Length;
        double xi = SweepTheory.TryEvaluate(result.Activation, result.SigmaW2, result.SigmaB2, out _, out double x) ? x : double.NaN;
        return CalibratedDepth(result.DifferentialEntropy.Take(n).ToArray(), [.. result.DecoderTestMse.Take(n).Select(v => (double)v)], xi,
            TrainabilityCalibration.ForProbe(_options.TrainSamples, _options.Epochs));
    }

    /// <summary>A grid point's <see cref="SweepPoint.PredictedDepth"/> from its curves (layer i + 1 at index i): the product's calibrated depth, null when it has no answer.</summary>
    internal static double? CalibratedDepth(IReadOnlyList<double> differentialEntropy, IReadOnlyList<double> decoderMse, double xiC, TrainabilityCalibration calibration)
    {
        double depth = CalibratedPrediction.ProductDepth(CurveFeatures.FromCurves(differentialEntropy, decoderMse, calibration), xiC, calibration);
        return double.IsNaN(depth) ? null : depth;
    }

    /// <summary>The output schema of the fitted transformer on a configurations schema; checks the configuration columns.</summary>
    /// <param name="inputSchema">Schema of the configurations (not of the images).</param>
    /// <exception cref="ArgumentOutOfRangeException">A configuration column is missing or of the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        bool activation = TrainabilitySweepTransformer.CheckConfigurations(inputSchema);
        return TrainabilitySweepTransformer.BuildInner(_env.Context, new SweepMapping(new SweepTable()), activation).GetOutputSchema(inputSchema);
    }

    /// <summary>
    /// The sweep's grid: per activation, the configurations of the grid-and-seed core shared with the CLI's sweep
    /// (<see cref="SweepGrid"/>), each with its own seed derived from the sweep seed and (σ_w², σ_b²).
    /// </summary>
    internal static IReadOnlyList<(SweepConfiguration Configuration, Activation A)> Grid(TrainabilitySweepOptions options, int seed)
    {
        var configurations = SweepGrid.Configurations(options.SigmaW2.Distinct(), options.SigmaB2.Distinct(), seed);
        return [.. from a in options.Activations
                   let activation = ReconstructionProbeEstimatorOptions.ParseActivation(a, nameof(TrainabilitySweepOptions.Activations))
                   from c in configurations
                   select (c, activation)];
    }

    private static (ImageDataset Train, ImageDataset Test) Split(ImageDataset all, int held, int seed)
    {
        using var generator = new Generator(unchecked((ulong)seed) ^ 0xD1B54A32D192ED03UL);
        using var perm = randperm(all.Count, generator: generator, dtype: ScalarType.Int32);
        int[] order = perm.data<int>().ToArray();
        int[] test = order.AsSpan(0, held).ToArray();
        int[] train = order.AsSpan(held).ToArray();
        Array.Sort(test);
        Array.Sort(train);
        return (all.Select(train), all.Select(test));
    }

    /// <summary>Reports synchronously on the calling thread (System.Progress would post to the thread pool).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
