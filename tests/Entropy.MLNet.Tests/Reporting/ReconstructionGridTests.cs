using Entropy.MLNet.Probe;
using Entropy.MLNet.Reporting;
using SkiaSharp;

namespace Entropy.MLNet.Tests.Reporting;

[TestClass]
public sealed class ReconstructionGridTests
{
    private static ProbeReconstructions Fake(int images, int layers, int channels = 1, int h = 4, int w = 5)
    {
        int size = channels * h * w;
        return new ProbeReconstructions
        {
            Channels = channels,
            Height = h,
            Width = w,
            Layers = [.. Enumerable.Range(0, layers + 1)],
            Labels = new int[images],
            Images = [.. Enumerable.Range(0, images).Select(i => Enumerable.Range(0, layers + 1)
                .Select(c => Enumerable.Range(0, size).Select(p => ((p + c + i) % 3) / 2f).ToArray()).ToArray())],
        };
    }

    [TestMethod]
    public void Write_Grid_DecodesWithRowsTimesColumnsCells()
    {
        var recon = Fake(images: 3, layers: 6);
        using var stream = new MemoryStream();
        ReconstructionGrid.Write(stream, recon, new GridOptions { Scale = 2, Gap = 1 });
        stream.Position = 0;
        using var bitmap = SKBitmap.Decode(stream);
        Assert.IsNotNull(bitmap);
        Assert.AreEqual(1 + (7 * ((5 * 2) + 1)), bitmap.Width);
        Assert.AreEqual(1 + (3 * ((4 * 2) + 1)), bitmap.Height);
        // Value 1 → white, value 0 → black, gap → background gray; (p + c + i) % 3 = 0 at row 0, column 0, pixel 0.
        Assert.AreEqual(new SKColor(0, 0, 0), bitmap.GetPixel(1, 1));
        Assert.AreEqual(new SKColor(128, 128, 128), bitmap.GetPixel(0, 0));
        Assert.AreEqual(new SKColor(255, 255, 255), bitmap.GetPixel(1 + 4, 1));
    }

    [TestMethod]
    public void Write_LayerSubset_OnlyThoseColumns()
    {
        var recon = Fake(images: 2, layers: 6);
        using var stream = new MemoryStream();
        ReconstructionGrid.Write(stream, recon, new GridOptions { Scale = 1, Gap = 2, Layers = [0, 1, 5] });
        stream.Position = 0;
        using var bitmap = SKBitmap.Decode(stream);
        Assert.AreEqual(2 + (3 * (5 + 2)), bitmap.Width);
        Assert.ThrowsExactly<ArgumentException>(() => ReconstructionGrid.Write(new MemoryStream(), recon, new GridOptions { Layers = [9] }));
    }

    [TestMethod]
    public void Write_ThreeChannels_DrawsColour()
    {
        var recon = new ProbeReconstructions
        {
            Channels = 3,
            Height = 1,
            Width = 1,
            Layers = [0],
            Labels = [0],
            Images = [[[1f, 0f, 0.5f]]],
        };
        using var stream = new MemoryStream();
        ReconstructionGrid.Write(stream, recon, new GridOptions { Scale = 1, Gap = 0 });
        stream.Position = 0;
        using var bitmap = SKBitmap.Decode(stream);
        Assert.AreEqual(new SKColor(255, 0, 128), bitmap.GetPixel(0, 0));
    }

    [TestMethod]
    public void ToByte_ClampsTanhRangeToInputRange()
    {
        Assert.AreEqual((byte)0, ReconstructionGrid.ToByte(-0.7f));
        Assert.AreEqual((byte)255, ReconstructionGrid.ToByte(1.3f));
        Assert.AreEqual((byte)128, ReconstructionGrid.ToByte(0.5f));
        Assert.AreEqual((byte)0, ReconstructionGrid.ToByte(float.NaN));
    }

    [TestMethod]
    public void WriteCells_WrongImageSize_Throws()
    {
        float[][][] cells = [[new float[3]]];
        Assert.ThrowsExactly<ArgumentException>(() => ReconstructionGrid.WriteCells(new MemoryStream(), cells, 1, 2, 2, new GridOptions()));
    }

    [TestMethod]
    public void Write_ProbeReconstructions_PngOfRightSize()
    {
        var r = ReconstructionProbe.Run(Tests.Probe.TestData.Train, Tests.Probe.TestData.Test, Tests.Probe.TestData.Small() with { TrainSamples = 64 });
        using var stream = new MemoryStream();
        ReconstructionGrid.Write(stream, r.Reconstructions!);
        stream.Position = 0;
        using var bitmap = SKBitmap.Decode(stream);
        Assert.AreEqual(2 + (7 * ((28 * 3) + 2)), bitmap.Width);
        Assert.AreEqual(2 + (3 * ((28 * 3) + 2)), bitmap.Height);
    }
}
