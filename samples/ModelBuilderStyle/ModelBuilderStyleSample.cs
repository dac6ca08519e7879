using System.Globalization;
using Entropy.MLNet.Data;
using Entropy.MLNet.MLNet;
using Microsoft.ML;

namespace Entropy.MLNet.Samples.ModelBuilderStyle;

/// <summary>
/// A Model Builder-style app: fit the trainability sweep on images, train the trainability predictor on labelled
/// configurations, evaluate it, save <c>model.zip</c>, reload it in a new context and score one configuration through a
/// <c>PredictionEngine</c>.
/// <para>Usage: <c>ModelBuilderStyle [--out DIR] [--images N] [--probe-depth L] [--width W]</c>.</para>
/// <para>
/// Labels: whether a network of that configuration trains. This sample labels with the mean-field rule L ≤ 6 ξ_c
/// (Schoenholz et al. 2017) so that it runs in seconds; in a real app, use measured ground truth (networks actually
/// trained, e.g. with the library's ground-truth trainer or your own runs) in the <c>Label</c> column.
/// </para>
/// </summary>
public static class ModelBuilderStyleSample
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out);

    /// <summary>Runs the sample, writing to <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        string outDir = Option(args, "--out") ?? Directory.GetCurrentDirectory();
        int images = int.Parse(Option(args, "--images") ?? "600", CultureInfo.InvariantCulture);
        int probeDepth = int.Parse(Option(args, "--probe-depth") ?? "20", CultureInfo.InvariantCulture);
        string width = Option(args, "--width") ?? "128";
        Directory.CreateDirectory(outDir);
        var ml = new MLContext(seed: 1);

        // 1. Images → sweep: one reconstruction probe per σ_w² of the grid.
        IDataView pictures = DatasetCatalog.Load("mnist", "train").Take(images).ToDataView();
        var sweep = ml.Trainability().Sweep(new TrainabilitySweepOptions
        {
            SigmaW2 = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0],
            ProbeDepth = probeDepth,
            Width = width,
            EntropySamples = Math.Min(100, images / 4),
            Progress = new ProbeLog(output),
        }).Fit(pictures);

        // 2. Labelled configurations → train/test split → predictor → evaluation.
        // Depths well past the probe depth too: the trainability boundary (≈ 6 ξ_c) lies there for most σ_w².
        var labelled = Labelled(sweep, 60).ToList();
        output.WriteLine($"{labelled.Count} labelled configurations, {labelled.Count(c => c.Label)} trainable.");
        IDataView configurations = ml.Data.LoadFromEnumerable(labelled);
        var split = ml.Data.TrainTestSplit(configurations, testFraction: 0.25, seed: 1);
        var model = ml.Trainability().Predictor(sweep).Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet), labelColumnName: "Label");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Test set: accuracy {metrics.Accuracy:F3}, AUC {metrics.AreaUnderRocCurve:F3}, F1 {metrics.F1Score:F3}, log-loss {metrics.LogLoss:F3}"));

        // 3. Save one file, reload in a fresh context, score one configuration.
        string path = Path.Combine(outDir, "model.zip");
        TrainabilityModel.Save(ml, model, configurations.Schema, path);
        var reloaded = TrainabilityModel.Load(new MLContext(), path, out _);
        var engine = new MLContext().Model.CreatePredictionEngine<Configuration, Prediction>(reloaded);
        var config = new Configuration { SigmaW2 = 1.75f, SigmaB2 = 0.05f, Depth = probeDepth / 2 };
        var prediction = engine.Predict(config);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Saved {path}. σ_w² = {config.SigmaW2}, σ_b² = {config.SigmaB2}, depth {config.Depth}: P(trainable) = {prediction.Probability:F3}, probe cutoff {prediction.Cutoff:F1}, ξ_c = {prediction.XiC:F2}"));
        return 0;
    }

    /// <summary>Configurations on a σ_w² × depth grid inside the sweep's range, labelled with the mean-field rule (see the class remarks).</summary>
    /// <param name="sweep">The fitted sweep, asked only for ξ_c (pure mean-field theory: it does not depend on the probe).</param>
    /// <param name="maxDepth">Deepest configuration.</param>
    public static IEnumerable<Configuration> Labelled(TrainabilitySweepTransformer sweep, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        for (int i = 0; i <= 14; i++)
        {
            float w = 0.5f + (i * 0.25f);
            double xi = sweep.Predict(w, 0.05f, 1).XiC;
            for (int depth = 2; depth <= maxDepth; depth += 2)
            {
                yield return new Configuration { SigmaW2 = w, SigmaB2 = 0.05f, Depth = depth, Label = depth <= 6 * xi };
            }
        }
    }

    /// <summary>Prints one line per finished probe, on the calling thread.</summary>
    private sealed class ProbeLog(TextWriter output) : IProgress<TrainabilitySweepProgress>
    {
        public void Report(TrainabilitySweepProgress value)
        {
            if (value.Probe is null)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  probe {value.Done}/{value.Total} (σ_w² = {value.SigmaW2}) done"));
            }
        }
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>A labelled configuration.</summary>
    public sealed class Configuration
    {
        /// <summary>σ_w².</summary>
        public float SigmaW2 { get; set; }

        /// <summary>σ_b².</summary>
        public float SigmaB2 { get; set; }

        /// <summary>Depth.</summary>
        public int Depth { get; set; }

        /// <summary>Whether a network of this configuration trains.</summary>
        public bool Label { get; set; }
    }

    /// <summary>What the predictor adds.</summary>
    public sealed class Prediction
    {
        /// <summary>Calibrated probability that the configuration trains.</summary>
        public float Probability { get; set; }

        /// <summary>Probability &gt; 0.5.</summary>
        public bool PredictedLabel { get; set; }

        /// <summary>The probe's predicted maximum trainable depth.</summary>
        public float Cutoff { get; set; }

        /// <summary>Mean-field ξ_c.</summary>
        public float XiC { get; set; }
    }
}
