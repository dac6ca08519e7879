using System.Globalization;
using Entropy.MLNet.Data;
using Entropy.MLNet.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Entropy.MLNet.Tests.MLNet;

/// <summary>
/// The code of the README's "ML.NET pipelines" section, statement for statement; only the file paths point into a
/// temporary folder and the output goes to a writer instead of the console.
/// </summary>
[TestClass]
public sealed class ReadmePipelineTests
{
    public sealed class ImageFile
    {
        public string ImagePath { get; set; } = "";
    }

    public sealed class ProbeRow
    {
        public float[] RelativeEntropy { get; set; } = [];

        public float[] Reconstruction { get; set; } = [];
    }

    public sealed class Configuration
    {
        public float SigmaW2 { get; set; }

        public float SigmaB2 { get; set; }

        public int Depth { get; set; }
    }

    public sealed class LabelledConfiguration
    {
        [LoadColumn(0)]
        public float SigmaW2 { get; set; }

        [LoadColumn(1)]
        public float SigmaB2 { get; set; }

        [LoadColumn(2)]
        public int Depth { get; set; }

        [LoadColumn(3)]
        public bool Label { get; set; }
    }

    public sealed class SweptRow
    {
        public float Cutoff { get; set; }

        public bool PredictedLabel { get; set; }
    }

    public sealed class TrainabilityScorer : IDisposable
    {
        private readonly ITransformer _model;
        private readonly ThreadLocal<PredictionEngine<Configuration, Trainability>> _engines;

        public TrainabilityScorer(string path)
        {
            var ml = new MLContext();
            _model = TrainabilityModel.Load(ml, path, out _);
            _engines = new(() => ml.Model.CreatePredictionEngine<Configuration, Trainability>(_model), trackAllValues: true);
        }

        public Trainability Score(Configuration configuration) => _engines.Value!.Predict(configuration);

        public void Dispose()
        {
            foreach (var engine in _engines.Values)
            {
                engine.Dispose();
            }
            _engines.Dispose();
            (_model as IDisposable)?.Dispose();
        }
    }

    public sealed class Trainability
    {
        public float Probability { get; set; }

        public float Cutoff { get; set; }
    }

    [TestMethod]
    public void Readme_ProbeOnAnImageFolder_RunsAsWritten()
    {
        string dir = MLNetFixtures.TempDirectory("readme-probe");
        var console = new StringWriter();

        // ---- README: probe on an image folder ----
        var ml = new MLContext(seed: 1);
        string folder = Path.Combine(AppContext.BaseDirectory, "images"); // README: "samples/ImagePipeline/images"
        IDataView files = ml.Data.LoadFromEnumerable(
            Directory.EnumerateFiles(folder, "*.png", SearchOption.AllDirectories)
                     .Select(f => new ImageFile { ImagePath = Path.GetRelativePath(folder, f) }));

        var pipeline = ml.Transforms.LoadImages("Image", folder, nameof(ImageFile.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", 28, 28, resizing: ImageResizingEstimator.ResizingKind.Fill))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1f / 255))
            .Append(ml.Trainability().ReconstructionProbe(sigmaW2: 1.5, depth: 8, width: "64", reconstructionLayers: [1, 8]));

        using var model = pipeline.Fit(files);
        foreach (var row in ml.Data.CreateEnumerable<ProbeRow>(model.Transform(files), reuseRowObject: false))
        {
            console.WriteLine(string.Join(" ", row.RelativeEntropy.Select(v => v.ToString("F3", CultureInfo.InvariantCulture))));
        }

        string probePath = Path.Combine(dir, "probe.zip"); // README: "probe.zip"
        TrainabilityModel.Save(ml, model, files.Schema, probePath);
        using var reloaded = (TransformerChain<ITransformer>)TrainabilityModel.Load(new MLContext(), probePath, out DataViewSchema inputSchema);
        var probe = (ReconstructionProbeTransformer)reloaded.LastTransformer; // Model, ImageShape, ScoreBatched as after Fit
        // ---- end ----

        string[] lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(20, lines);
        Assert.HasCount(6, lines[0].Split(' '));
        Assert.IsNotNull(inputSchema.GetColumnOrNull(nameof(ImageFile.ImagePath)));
        Assert.AreEqual(model.LastTransformer.ImageShape, probe.ImageShape);
        var again = ml.Data.CreateEnumerable<ProbeRow>(reloaded.Transform(files), reuseRowObject: false).ToList();
        var first = ml.Data.CreateEnumerable<ProbeRow>(model.Transform(files), reuseRowObject: false).ToList();
        for (int i = 0; i < first.Count; i++)
        {
            CollectionAssert.AreEqual(first[i].RelativeEntropy, again[i].RelativeEntropy);
            CollectionAssert.AreEqual(first[i].Reconstruction, again[i].Reconstruction);
        }
        Directory.Delete(dir, recursive: true);
    }

    [TestMethod]
    public void Readme_SweepAndPredictor_RunAsWritten()
    {
        string dir = MLNetFixtures.TempDirectory("readme-sweep");
        string csv = Path.Combine(dir, "ground-truth.csv");
        // Stand-in ground truth for the test (the README assumes the user's own CSV): the mean-field rule L ≤ 6 ξ_c.
        File.WriteAllLines(csv, ["SigmaW2,SigmaB2,Depth,Label", .. TrainabilityPredictorTests.Labelled()
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.SigmaW2},{c.SigmaB2},{c.Depth},{c.Label}"))]);
        var ml = new MLContext(seed: 1);

        // ---- README: sweep and predictor ----
        IDataView digits = DatasetCatalog.Load("mnist", "train").Take(300).ToDataView();
        var sweep = ml.Trainability().Sweep(new TrainabilitySweepOptions
        {
            SigmaW2 = [0.5, 1.0, 1.5, 2.0, 3.0],
            ProbeDepth = 8,
            Width = "32",
            EntropySamples = 50,
        }).Fit(digits);

        IDataView configs = ml.Data.LoadFromEnumerable(new[]
        {
            new Configuration { SigmaW2 = 1.2f, SigmaB2 = 0.05f, Depth = 6 },
            new Configuration { SigmaW2 = 2.6f, SigmaB2 = 0.05f, Depth = 30 },
        });
        IDataView swept = sweep.Transform(configs); // + Cutoff, EntropyCurve, ProbeScore, PredictedLabel, XiC

        IDataView labelled = ml.Data.LoadFromTextFile<LabelledConfiguration>(csv, separatorChar: ',', hasHeader: true); // README: "ground-truth.csv"
        var split = ml.Data.TrainTestSplit(labelled, testFraction: 0.25, seed: 1);
        var predictor = ml.Trainability().Predictor(sweep).Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(predictor.Transform(split.TestSet), labelColumnName: "Label");

        string modelPath = Path.Combine(dir, "trainability.zip"); // README: "trainability.zip"
        TrainabilityModel.Save(ml, predictor, labelled.Schema, modelPath);
        var engine = ml.Model.CreatePredictionEngine<Configuration, Trainability>(TrainabilityModel.Load(ml, modelPath, out _));
        Trainability answer = engine.Predict(new Configuration { SigmaW2 = 1.75f, SigmaB2 = 0.05f, Depth = 20 });
        // ---- end ----

        Trainability[] results;
        {
            // ---- README: a service holds one model, one PredictionEngine per thread ----
            using var scorer = new TrainabilityScorer(modelPath); // README: "trainability.zip"
            var answers = new Trainability[64];
            Parallel.For(0, 64, i => answers[i] = scorer.Score(new Configuration { SigmaW2 = 0.5f + (i * 0.03f), SigmaB2 = 0.05f, Depth = 10 }));
            // ---- end ----
            results = answers;
        }
        for (int i = 0; i < results.Length; i++)
        {
            Trainability alone = engine.Predict(new Configuration { SigmaW2 = 0.5f + (i * 0.03f), SigmaB2 = 0.05f, Depth = 10 });
            Assert.AreEqual(alone.Probability, results[i].Probability, $"row {i}");
            Assert.AreEqual(alone.Cutoff, results[i].Cutoff, $"row {i}");
        }

        var sweptRows = ml.Data.CreateEnumerable<SweptRow>(swept, false).ToList();
        Assert.HasCount(2, sweptRows);
        Assert.AreEqual(sweep.Predict(1.2f, 0.05f, 6).Cutoff, sweptRows[0].Cutoff);
        Assert.IsGreaterThan(0.8, metrics.Accuracy);
        Assert.IsTrue(answer.Probability is >= 0 and <= 1);
        Assert.AreEqual(sweep.Predict(1.75, 0.05f, 20).Cutoff, answer.Cutoff);
        Directory.Delete(dir, recursive: true);
    }
}
