using System.IO.Compression;
using System.Text;
using Entropy.MLNet.MLNet;
using Entropy.MLNet.ModelHost;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.Tests.MLNet;

/// <summary>
/// How a user saves, loads, reuses and frees models: the weightless <c>mlContext.Model.Save</c> is refused, streams work
/// as files do, a reloaded model exposes the typed components, and disposing it frees the weights.
/// </summary>
[TestClass]
public sealed class TrainabilityModelApiTests
{
    private static string s_dir = "";
    private static MLContext s_ml = null!;
    private static Entropy.MLNet.Data.DatasetDataView s_data = null!;
    private static TransformerChain<ReconstructionProbeTransformer> s_chain = null!;
    private static TrainabilitySweepTransformer s_sweep = null!;

    [ClassInitialize]
    public static void FitModels(TestContext context)
    {
        s_dir = MLNetFixtures.TempDirectory("model-api");
        s_ml = new MLContext(seed: 17);
        s_data = MLNetFixtures.Images(120).ToDataView();
        s_chain = s_ml.Transforms.CopyColumns("Pixels", "Features")
            .Append(s_ml.Trainability().ReconstructionProbe(MLNetFixtures.ProbeOptions(2))).Fit(s_data);
        var options = TrainabilitySweepTests.Options();
        options.SigmaW2 = [1.0, 2.0];
        s_sweep = s_ml.Trainability().Sweep(options).Fit(MLNetFixtures.Images(80).ToDataView());
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        s_chain?.Dispose();
        try
        {
            Directory.Delete(s_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [TestMethod]
    public void PlainModelSave_OfAProbeOrASweep_IsRefusedPointingToTrainabilityModelSave()
    {
        string probePath = Path.Combine(s_dir, "plain-probe.zip");
        string sweepPath = Path.Combine(s_dir, "plain-sweep.zip");
        var configs = Configurations(s_ml);

        var e1 = Assert.ThrowsExactly<InvalidOperationException>(() => s_ml.Model.Save(s_chain, s_data.Schema, probePath));
        var e2 = Assert.ThrowsExactly<InvalidOperationException>(() => s_ml.Model.Save(s_sweep, configs.Schema, sweepPath));

        Assert.Contains("TrainabilityModel.Save", Messages(e1));
        Assert.Contains("TorchSharp weights", Messages(e1));
        Assert.Contains("TrainabilityModel.Save", Messages(e2));
        Assert.Contains("fitted table", Messages(e2));
    }

    [TestMethod]
    public void Load_AFileWithoutTheComponentsState_GivesOneClearRootCause()
    {
        // What mlContext.Model.Save wrote before it was refused: the ML.NET model without the Entropy.MLNet entries.
        string path = Path.Combine(s_dir, "weightless.zip");
        TrainabilityModel.Save(s_ml, s_chain, s_data.Schema, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(TrainabilityModel.EntryPrefix, StringComparison.Ordinal)).ToList())
            {
                entry.Delete();
            }
        }

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains("weightless.zip", ex.Message);
        Assert.Contains("TrainabilityModel.Save", ex.Message);
        Assert.DoesNotContain("target of an invocation", ex.Message);
    }

    [TestMethod]
    public void PlainModelLoad_OnAnotherThread_CannotTakeTheStateALoadHasStaged()
    {
        // Reproduces a race seen in the full test run: a plain mlContext.Model.Load took the weights that a concurrent
        // TrainabilityModel.Load had staged, so the plain load "worked" and the proper one failed.
        string path = Path.Combine(s_dir, "staged.zip");
        TrainabilityModel.Save(s_ml, s_chain, s_data.Schema, path);
        lock (StagedArtifacts.LoadGate)
        {
            StagedArtifacts.Stage(ProbeMapping.ContractName, s_chain.LastTransformer.Mapping);
            try
            {
                Exception? plain = null;
                var thread = new Thread(() =>
                {
                    try
                    {
                        new MLContext().Model.Load(path, out _);
                    }
                    catch (Exception ex)
                    {
                        plain = ex;
                    }
                });
                thread.Start();
                thread.Join();

                Assert.IsNotNull(plain, "the plain load on another thread must fail");
                Assert.Contains("TrainabilityModel.Load", Messages(plain));
                Assert.AreEqual(1, StagedArtifacts.Count, "the staged state is still there for this thread's load");
            }
            finally
            {
                StagedArtifacts.Clear();
            }
        }
    }

    [TestMethod]
    public void SaveLoad_Streams_SeekableOrNot_ReproduceTheFileRoundTrip()
    {
        string path = Path.Combine(s_dir, "file.zip");
        TrainabilityModel.Save(s_ml, s_chain, s_data.Schema, path);
        var expected = MLNetFixtures.Columns(s_chain.Transform(s_data));
        using var seekable = new MemoryStream();
        TrainabilityModel.Save(s_ml, s_chain, s_data.Schema, seekable);
        using var forwardOnly = new MemoryStream();
        TrainabilityModel.Save(s_ml, s_chain, s_data.Schema, new ForwardOnlyStream(forwardOnly));

        seekable.Position = 0;
        var fromStream = TrainabilityModel.Load(new MLContext(), seekable, out var schema);
        var fromForwardOnly = TrainabilityModel.Load(new MLContext(), new ForwardOnlyStream(new MemoryStream(forwardOnly.ToArray())), out _);
        var fromFile = TrainabilityModel.Load(new MLContext(), new MemoryStream(File.ReadAllBytes(path)), out _);

        Assert.IsTrue(seekable.CanRead, "the caller's stream stays open");
        Assert.IsNotNull(schema.GetColumnOrNull("Features"));
        foreach (var loaded in new[] { fromStream, fromForwardOnly, fromFile })
        {
            var actual = MLNetFixtures.Columns(loaded.Transform(s_data));
            foreach (var key in expected.Keys)
            {
                Assert.AreEqual(expected[key].GetRawText(), actual[key].GetRawText(), key);
            }
            ((IDisposable)loaded).Dispose();
        }
        var bad = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), new MemoryStream("not a zip"u8.ToArray()), out _));
        Assert.Contains("(stream)", bad.Message);
    }

    [TestMethod]
    public void Load_GivesBackTheTypedComponents_WithTheFittedOnesAPI()
    {
        string chainPath = Path.Combine(s_dir, "typed-chain.zip");
        string probePath = Path.Combine(s_dir, "typed-probe.zip");
        string sweepPath = Path.Combine(s_dir, "typed-sweep.zip");
        var fitted = s_chain.LastTransformer;
        var configs = Configurations(s_ml);
        TrainabilityModel.Save(s_ml, s_chain, s_data.Schema, chainPath);
        TrainabilityModel.Save(s_ml, fitted, s_data.Schema, probePath);
        TrainabilityModel.Save(s_ml, s_sweep, configs.Schema, sweepPath);

        using var chain = (TransformerChain<ITransformer>)TrainabilityModel.Load(new MLContext(), chainPath, out _);
        using var single = (ReconstructionProbeTransformer)TrainabilityModel.Load(new MLContext(), probePath, out _);
        var sweep = (TrainabilitySweepTransformer)TrainabilityModel.Load(new MLContext(), sweepPath, out _);
        var probe = (ReconstructionProbeTransformer)chain.LastTransformer;

        foreach (var reloaded in new[] { probe, single })
        {
            Assert.AreEqual(fitted.ImageShape, reloaded.ImageShape);
            Assert.AreEqual(fitted.Model.CurveLength, reloaded.Model.CurveLength);
            CollectionAssert.AreEqual(fitted.ReconstructionLayers.ToArray(), reloaded.ReconstructionLayers.ToArray());
            Assert.AreEqual(fitted.InputColumnName, reloaded.InputColumnName);
            Assert.AreEqual(fitted.OutputColumnName, reloaded.OutputColumnName);
            Assert.AreEqual(fitted.ReconstructionColumnName, reloaded.ReconstructionColumnName);
        }
        var batched = probe.ScoreBatched(s_data, batchSize: 50).ToList();
        var expected = fitted.ScoreBatched(s_data, batchSize: 50).ToList();
        for (int i = 0; i < expected.Count; i++)
        {
            CollectionAssert.AreEqual(expected[i], batched[i]);
        }
        Assert.AreEqual(s_sweep.Table.Points.Count, sweep.Table.Points.Count);
        var (p0, p1) = (s_sweep.Predict(1.5, 0.05, 3), sweep.Predict(1.5, 0.05, 3));
        Assert.AreEqual(p0.Cutoff, p1.Cutoff);
        CollectionAssert.AreEqual(p0.EntropyCurve, p1.EntropyCurve);
        // A reloaded model saves again (its state travels through TrainabilityModel.Save once more).
        string again = Path.Combine(s_dir, "typed-again.zip");
        TrainabilityModel.Save(s_ml, chain, s_data.Schema, again);
        using var twice = (TransformerChain<ITransformer>)TrainabilityModel.Load(new MLContext(), again, out _);
        Assert.IsInstanceOfType<ReconstructionProbeTransformer>(twice.LastTransformer);
        Assert.Throws<Exception>(() => s_ml.Model.Save(chain, s_data.Schema, Path.Combine(s_dir, "reloaded-plain.zip")));
    }

    [TestMethod]
    public void Dispose_OfALoadedChain_FreesTheProbesNativeWeights()
    {
        string path = Path.Combine(s_dir, "dispose.zip");
        TrainabilityModel.Save(s_ml, s_chain, s_data.Schema, path);
        var chain = (TransformerChain<ITransformer>)TrainabilityModel.Load(new MLContext(), path, out _);
        var probe = (ReconstructionProbeTransformer)chain.LastTransformer;
        var parameters = probe.Model.Network.NetworkParameters().ToList();
        Assert.IsTrue(parameters.All(p => !p.IsInvalid));

        chain.Dispose();

        Assert.IsTrue(parameters.All(p => p.IsInvalid), "every weight tensor of the loaded network is freed");
        Assert.ThrowsExactly<ObjectDisposedException>(() => probe.Model.RelativeEntropyPerLayer(new float[36], 1));
    }

    /// <summary>
    /// 200 load-and-dispose cycles in a fresh process, every disposed model kept reachable (so no finalizer can free
    /// what Dispose forgot). The probe's weights are 2.2 MB (width 256), so a Dispose that kept them grows the process
    /// by 200 × that: 493 MB measured with Dispose made a no-op, against 27 MB with it (the managed objects of the 200
    /// held chains). The bound, 50 models' worth (110 MB), fails when a quarter of the weights stay, and leaves room
    /// for the managed overhead and allocator noise.
    /// </summary>
    [TestMethod]
    public void LoadAndDispose_200Times_InAChildProcess_KeepsMemoryFlat()
    {
        var ml = new MLContext(seed: 3);
        var options = MLNetFixtures.ProbeOptions();
        options.Width = "256";
        string path = Path.Combine(s_dir, "cycles.zip");
        using (var probe = ml.Trainability().ReconstructionProbe(options).Fit(s_data))
        {
            TrainabilityModel.Save(ml, probe, s_data.Schema, path);
        }
        long weightBytes;
        using (var zip = ZipFile.OpenRead(path))
        {
            weightBytes = zip.GetEntry("Entropy.MLNet/000/weights.bin")!.Length;
        }
        Assert.IsGreaterThan(1_500_000L, weightBytes, "the model must be large enough for a leak to show");

        // 210 loads took over 60 s in a full parallel run on a 2-core machine: a generous wait, not a timing assertion.
        var report = MLNetFixtures.RunHost("load-dispose", path, new LoadDisposeInput { Cycles = 200, WarmUp = 10 }, s_dir, timeoutSeconds: 600);

        Assert.AreEqual(200, report["Cycles"].GetInt32());
        Assert.IsTrue(report["Disposable"].GetBoolean(), "a loaded probe model is IDisposable");
        long growth = report["AfterBytes"].GetInt64() - report["BeforeBytes"].GetInt64();
        Assert.IsLessThan(50 * weightBytes, growth, $"grew {growth / 1e6:F1} MB over 200 cycles; one model's weights are {weightBytes / 1e6:F2} MB");
    }

    [TestMethod]
    public void Load_ASweepSavedBeforeTheColumnRenames_IsRefusedSayingSo()
    {
        string path = Path.Combine(s_dir, "v1-sweep.zip");
        TrainabilityModel.Save(s_ml, s_sweep, Configurations(s_ml).Schema, path);
        string manifest;
        using (var zip = ZipFile.OpenRead(path))
        using (var reader = new StreamReader(zip.GetEntry(TrainabilityModel.ManifestEntry)!.Open()))
        {
            manifest = reader.ReadToEnd();
        }
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry(TrainabilityModel.ManifestEntry)!.Delete();
            using var stream = zip.CreateEntry(TrainabilityModel.ManifestEntry).Open();
            stream.Write(Encoding.UTF8.GetBytes(manifest.Replace("TrainabilitySweep.v2", "TrainabilitySweep.v1", StringComparison.Ordinal)));
        }

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainabilityModel.Load(new MLContext(), path, out _));

        Assert.Contains("before 0.1.0", ex.Message);
        Assert.Contains("ProbeScore", ex.Message);
    }

    private static IDataView Configurations(MLContext ml) => ml.Data.LoadFromEnumerable(new[]
    {
        new ConfigurationInput { SigmaW2 = 1.5f, SigmaB2 = 0.05f, Depth = 3 },
    });

    private static string Messages(Exception ex)
    {
        var sb = new StringBuilder();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            sb.Append(e.Message).Append(" | ");
        }
        return sb.ToString();
    }

    /// <summary>A stream that can only be read or written forwards (a network stream, a pipe).</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
