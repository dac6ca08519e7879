using Entropy.MLNet.Reporting;
using SkiaSharp;

namespace Entropy.MLNet.Tests.Reporting;

/// <summary>Synthetic report data and PNG checks shared by the reporting tests.</summary>
internal static class ReportPictures
{
    public const double CriticalSigmaW2 = 1.760955;

    /// <summary>
    /// A small σ_w² grid with ordered-looking curves (rising to 1) below the critical point and chaotic-looking ones
    /// (falling to 1) above, cutoffs taken from the curves, and optional ground truth.
    /// </summary>
    public static List<PhaseColumn> Columns(int layers = 12, bool groundTruth = true)
    {
        var columns = new List<PhaseColumn>();
        for (int k = 0; k <= 14; k++)
        {
            double s = 0.5 + (0.25 * k);
            double xi = s < CriticalSigmaW2 ? 0.5 + (2.0 / Math.Abs(Math.Log(s / CriticalSigmaW2))) / 4 : 1 + (6 / (1 + (3 * (s - CriticalSigmaW2))));
            var normalised = new double[layers];
            var raw = new double[layers];
            for (int l = 0; l < layers; l++)
            {
                normalised[l] = s < CriticalSigmaW2 ? 1 - Math.Exp(-(l + 1) / xi) : 1 + (0.6 * Math.Exp(-(l + 1) / xi));
                raw[l] = 0.25 * normalised[l];
            }
            normalised[^1] = 1;
            columns.Add(new PhaseColumn
            {
                SigmaW2 = s,
                NormalizedMedian = normalised,
                MedianRelativeEntropy = raw,
                Cutoff = Entropy.MLNet.Probe.Cutoff.Find(normalised),
                XiC = xi,
                SixXiC = 6 * xi,
                GroundTruthMaxDepth = groundTruth ? (int)Math.Min(layers, Math.Round(3 * xi)) : null,
            });
        }
        return columns;
    }

    public static PhaseDiagramPanel Panel(bool groundTruth = true, double? critical = CriticalSigmaW2) => new()
    {
        Title = "Phase diagram: synthetic, σ_b² = 0.05",
        SigmaB2 = 0.05,
        Columns = Columns(groundTruth: groundTruth),
        CriticalSigmaW2 = critical,
        MaxDepth = 12,
    };

    /// <summary>Decodes a PNG; fails the test when the bytes are not one.</summary>
    public static SKBitmap Decode(byte[] png)
    {
        Assert.IsGreaterThan(8, png.Length);
        CollectionAssert.AreEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8], "PNG signature");
        var bitmap = SKBitmap.Decode(png);
        Assert.IsNotNull(bitmap, "SkiaSharp could not decode the PNG.");
        return bitmap;
    }

    public static int DistinctColours(SKBitmap bitmap) => bitmap.Pixels.Select(p => (uint)p).Distinct().Count();

    /// <summary>Pixels within <paramref name="tolerance"/> per channel of <paramref name="colour"/>.</summary>
    public static int CountNear(SKBitmap bitmap, SKColor colour, int tolerance = 12) => bitmap.Pixels.Count(p =>
        Math.Abs(p.Red - colour.Red) <= tolerance && Math.Abs(p.Green - colour.Green) <= tolerance && Math.Abs(p.Blue - colour.Blue) <= tolerance);

    /// <summary>Pixels that are clearly dark (text, axes) in a rectangle.</summary>
    public static int DarkPixels(SKBitmap bitmap, SKRectI area)
    {
        int count = 0;
        for (int y = area.Top; y < area.Bottom; y++)
        {
            for (int x = area.Left; x < area.Right; x++)
            {
                var p = bitmap.GetPixel(x, y);
                if (p.Red + p.Green + p.Blue < 300)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
