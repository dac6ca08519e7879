using System.IO.Compression;
using Entropy.MLNet.Data;
using Entropy.MLNet.MLNet;
using Entropy.MLNet.ModelHost;
using Entropy.MLNet.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.Tests.MLNet;

/// <summary>The ML.NET trainability sweep over the CNN and ResNet: options, the family in the table, schema checks, save/load.</summary>
[TestClass]
public sealed class ConvolutionalSweepEstimatorTests
{
    private static TrainabilitySweepOptions Tiny(string architecture = "cnn", int? channels = 4) => new()
    {
        Architecture = architecture,
        Channels = channels,
        SigmaW2 = [0.5, 1.0],
        SigmaB2 = [2e-5],
        ProbeDepth = 3,
        TrainSamples = 40,
        EntropySamples = 10,
        BatchSize = 10,
        CutoffTolerance = 0.01,
        Seed = 5,
        Threads = 1,
        Device = Entropy.MLNet.Runtime.DeviceKind.Cpu,
    };

    // 12×12 is the smallest image the stem accepts (halved twice to 3×3).
    private static DatasetDataView Images() => WhiteNoise.Generate(new ImageShape(1, 12, 12), 60, 10, 3).ToDataView();

    [TestMethod]
    public void Fit_TinyCnn_TableRecordsTheFamily_AndSaveLoadReproducesEveryOutput()
    {
        string dir = MLNetFixtures.TempDirectory("cnn-sweep");
        try
        {
            var ml = new MLContext(seed: 1);
            TrainabilitySweepTransformer sweep = ml.Trainability().Sweep(Tiny()).Fit(Images());

            Assert.AreEqual("cnn", sweep.Table.Architecture);
            Assert.AreEqual(4, sweep.Table.Channels);
            Assert.AreEqual(3, sweep.Table.CurveLength); // a depth-3 CNN decodes 5 layers, 3 on the curve
            Assert.IsTrue(sweep.Table.Points.All(p => p.PredictedDepth is null), "the calibration is the MLP's: the score reads the cutoff");
            SweepPrediction at = sweep.Predict(1.0, 2e-5, 2);
            Assert.AreEqual((float)TrainabilityScore.Score(Math.Floor(at.Cutoff), 2), at.Score);
            Assert.IsTrue(float.IsFinite(at.XiC), "the CNN keeps the mean-field ξ_c");

            var configs = new List<ConfigurationInput>
            {
                new() { SigmaW2 = 0.5f, SigmaB2 = 2e-5f, Depth = 1 },
                new() { SigmaW2 = 0.8f, SigmaB2 = 2e-5f, Depth = 3 },
            };
            IDataView view = ml.Data.LoadFromEnumerable(configs);
            string path = Path.Combine(dir, "cnn-sweep.zip");
            TrainabilityModel.Save(ml, sweep, view.Schema, path);
            var before = MLNetFixtures.Columns(sweep.Transform(view));

            ITransformer loaded = TrainabilityModel.Load(new MLContext(), path, out _);
            var after = MLNetFixtures.Columns(loaded.Transform(view));

            foreach (string key in new[] { "Cutoff", "EntropyCurve", "ProbeScore", "PredictedLabel", "XiC" })
            {
                Assert.AreEqual(before[key].GetRawText(), after[key].GetRawText(), key);
            }
            var reloaded = (TrainabilitySweepTransformer)loaded;
            Assert.AreEqual("cnn", reloaded.Table.Architecture);
            Assert.AreEqual(4, reloaded.Table.Channels);
            using ZipArchive zip = ZipFile.OpenRead(path);
            string descriptor = new StreamReader(zip.Entries.First(e => e.FullName.EndsWith("descriptor.json", StringComparison.Ordinal)).Open()).ReadToEnd();
            StringAssert.Contains(descriptor, "\"architecture\": \"cnn\"");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Fit_FlatColumn_RefusedOnTheSchemaBeforeAnyProbe()
    {
        var ml = new MLContext(seed: 1);
        IDataView flat = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(_ => new FlatImage { Features = new float[144] }));
        int points = 0;
        var options = Tiny();
        options.Progress = new Progress(() => points++);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Trainability().Sweep(options).Fit(flat));

        Assert.AreEqual("Features", ex.ParamName);
        StringAssert.Contains(ex.Message, "ImageShape");
        Assert.AreEqual(0, points);
        // With the shape declared, the same column is accepted as images.
        options.ImageShape = new ImageShape(1, 12, 12);
        options.SigmaW2 = [1.0];
        Assert.HasCount(1, ml.Trainability().Sweep(options).Fit(flat).Table.Points);
    }

    [TestMethod]
    public void Options_FamilyChecks_NameTheOption()
    {
        var ml = new MLContext();
        Assert.AreEqual("Channels", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Trainability().Sweep(Tiny("mlp", 8))).ParamName);
        Assert.AreEqual("Channels", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Trainability().Sweep(Tiny("resnet", 0))).ParamName);
        Assert.AreEqual("Architecture", Assert.Throws<ArgumentException>(() => ml.Trainability().Sweep(Tiny("vgg", null))).ParamName);
    }

    [TestMethod]
    public void Table_ResNetHasNoXiC_AndCheckRefusesInconsistentFamilies()
    {
        SweepTable Table(string? architecture, int? channels, int curve) => new()
        {
            ProbeDepth = 3,
            CurveLength = curve,
            Architecture = architecture,
            Channels = channels,
            Points = [new SweepPoint { SigmaW2 = 1, SigmaB2 = 2e-5, Cutoff = 1, Curve = new float[curve] }],
        };

        Table("resnet", 4, 4).Check();
        Assert.IsTrue(float.IsNaN(Table("resnet", 4, 4).Predict(1, 2e-5, 2, null).XiC));
        Assert.IsFalse(float.IsNaN(Table("cnn", 4, 3).Predict(1, 2e-5, 2, null).XiC));
        Assert.Throws<InvalidDataException>(Table(null, 4, 1).Check);       // an MLP with channels
        Assert.Throws<InvalidDataException>(Table("cnn", null, 3).Check);   // a CNN without
        Assert.Throws<InvalidDataException>(Table("vgg", 4, 3).Check);
        Assert.Throws<InvalidDataException>(Table(null, null, 4).Check);    // longer than a depth-3 MLP
        Assert.Throws<InvalidDataException>(Table("cnn", 4, 6).Check);      // longer than a depth-3 CNN's 5 layers
        Table("resnet", 4, 6).Check();                                      // a depth-3 ResNet has 6
    }

    private sealed class FlatImage
    {
        [VectorType(144)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Progress(Action report) : IProgress<TrainabilitySweepProgress>
    {
        public void Report(TrainabilitySweepProgress value) => report();
    }
}
