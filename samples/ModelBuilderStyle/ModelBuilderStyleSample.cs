using System.Globalization;
using Entropy.MLNet.Data;
using Entropy.MLNet.MLNet;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Training;
using Microsoft.ML;

namespace Entropy.MLNet.Samples.ModelBuilderStyle;

/// <summary>
/// A Model Builder-style app: fit the trainability sweep on images, train the trainability predictor on labelled
/// configurations, evaluate it, save <c>model.zip</c>, reload it in a new context and score one configuration through a
/// <c>PredictionEngine</c>.
/// <para>Usage: <c>ModelBuilderStyle [--out DIR] [--images N] [--probe-depth L] [--width W] [--labels ground-truth|mean-field] [--gt-samples N]</c>.</para>
/// <para>
/// Labels: whether a network of that configuration trains. By default they are measured: every configuration of a small
/// grid is trained with the ground-truth trainer (<see cref="GroundTruthTrainer"/>). <c>--labels mean-field</c> uses the
/// mean-field rule L ≤ 6 ξ_c (Schoenholz et al. 2017) instead, which takes no training (quick demonstrations and CI).
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
        string labels = Option(args, "--labels") ?? "ground-truth";
        int gtSamples = int.Parse(Option(args, "--gt-samples") ?? "5000", CultureInfo.InvariantCulture);
        if (labels is not ("ground-truth" or "mean-field"))
        {
            output.WriteLine($"Unknown --labels '{labels}': use ground-truth or mean-field.");
            return 1;
        }
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
        var labelled = labels == "ground-truth"
            ? GroundTruth(width, gtSamples, output)
            // Depths well past the probe depth too: the trainability boundary (≈ 6 ξ_c) lies there for most σ_w².
            : [.. Labelled(sweep, 60)];
        output.WriteLine($"{labelled.Count} labelled configurations, {labelled.Count(c => c.Label)} trainable.");
        IDataView configurations = ml.Data.LoadFromEnumerable(labelled);
        var split = ml.Data.TrainTestSplit(configurations, testFraction: 0.25, seed: 1);
        var model = ml.Trainability().Predictor(sweep).Fit(split.TrainSet);
        try
        {
            var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet), labelColumnName: "Label");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Test set: accuracy {metrics.Accuracy:F3}, AUC {metrics.AreaUnderRocCurve:F3}, F1 {metrics.F1Score:F3}, log-loss {metrics.LogLoss:F3}"));
        }
        catch (ArgumentOutOfRangeException ex)
        {
            // ML.NET cannot compute AUC when the test split holds one class only (possible with a small grid).
            output.WriteLine($"Test set: not evaluated ({ex.Message})");
        }

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

    /// <summary>
    /// Ground truth: trains a network of every configuration of a small grid (σ_w² × depth 2, 4, 8, 16, 32) on MNIST with
    /// the project's ground-truth trainer and its MNIST defaults (SGD, a short budget, test-accuracy threshold), and
    /// labels each with whether it trained.
    /// </summary>
    /// <param name="width">Width of the trained networks.</param>
    /// <param name="samples">Training images per network (half as many test images).</param>
    /// <param name="output">Where progress goes.</param>
    public static List<Configuration> GroundTruth(string width, int samples, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var train = DatasetCatalog.Load("mnist", "train");
        var test = DatasetCatalog.Load("mnist", "test");
        var defaults = GroundTruthDefaults.For("mnist");
        var result = new List<Configuration>();
        foreach (double w in new[] { 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0 })
        {
            foreach (int depth in new[] { 2, 4, 8, 16, 32 })
            {
                var run = GroundTruthTrainer.Train(train, test, new GroundTruthOptions
                {
                    SigmaW2 = w,
                    SigmaB2 = 0.05,
                    Depth = depth,
                    Width = NetworkWidth.Parse(width),
                    Epochs = defaults.Epochs,
                    Threshold = defaults.Threshold,
                    LearningRate = defaults.LearningRate,
                    TrainSamples = Math.Min(samples, train.Count),
                    TestSamples = Math.Min(Math.Max(samples / 2, 10), test.Count),
                    Seed = 1,
                });
                result.Add(new Configuration { SigmaW2 = (float)w, SigmaB2 = 0.05f, Depth = depth, Label = run.Trainable });
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ground truth σ_w² = {w}: trainable depths {string.Join(", ", result.Where(c => c.SigmaW2 == (float)w && c.Label).Select(c => c.Depth))}"));
        }
        return result;
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
