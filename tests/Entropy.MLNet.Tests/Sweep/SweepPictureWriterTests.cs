using Entropy.MLNet.Data;
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

/// <summary>The sweep draws its pictures only through the writer it is given (it sits below the reporting layer).</summary>
[TestClass]
[DoNotParallelize]
public sealed class SweepPictureWriterTests
{
    [TestMethod]
    public void Run_WithoutAWriter_WritesNoPictures_AndTheWriterGetsOneNamedGridPerConfiguration()
    {
        using var root = new TempDirectory();
        ImageDataset train = DatasetCatalog.Load("mnist", "train").Take(400);
        ImageDataset test = DatasetCatalog.Load("mnist", "test").Take(100);
        var settings = SweepRunnerTests.Tiny() with { SigmaW2 = [0.5, 1.5] };

        string bare = root.Sub("bare");
        SweepRunner.Run(settings, train, test, bare, new SweepRunOptions { Device = Entropy.MLNet.Runtime.DeviceKind.Cpu, ReconstructionImages = 2 });
        Assert.IsFalse(Directory.Exists(Path.Combine(bare, SweepFiles.ReconstructionFolder)), "no writer, no recon/");

        var drawn = new List<(string Path, int Images)>();
        string drawing = root.Sub("drawing");
        SweepRunner.Run(settings, train, test, drawing, new SweepRunOptions
        {
            Device = Entropy.MLNet.Runtime.DeviceKind.Cpu,
            ReconstructionImages = 2,
            ReconstructionWriter = (path, r) => drawn.Add((path, r.Images.Length)),
        });
        string[] expected = [.. settings.Grid().Select(c => Path.Combine(drawing, SweepFiles.ReconstructionFolder, SweepFiles.ReconstructionFileName(c.SigmaW2, c.SigmaB2)))];
        CollectionAssert.AreEqual(expected, drawn.Select(d => d.Path).ToArray());
        Assert.IsTrue(drawn.All(d => d.Images == 2));
        // Pictures change no numbers.
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(bare, SweepRecord.FileName)), File.ReadAllBytes(Path.Combine(drawing, SweepRecord.FileName)));
    }
}
