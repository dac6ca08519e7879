using System.Reflection;
using SkiaSharp;

namespace Entropy.MLNet.Reporting;

/// <summary>
/// The typeface every report picture draws its text with: DejaVu Sans, embedded in the library. SkiaSharp's
/// "NoDependencies" Linux build has no fontconfig and finds no glyphs on a machine without fonts in /usr/share/fonts,
/// so the pictures would lose every label there; the embedded font also makes them look the same on every machine.
/// </summary>
internal static class ReportFont
{
    private const string ResourceName = "Entropy.MLNet.Reporting.Fonts.DejaVuSans.ttf";

    private static readonly Lazy<SKTypeface> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The embedded typeface (loaded once, shared, never disposed).</summary>
    public static SKTypeface Typeface => Loaded.Value;

    private static SKTypeface Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The library is missing its embedded font '{ResourceName}'.");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"SkiaSharp could not read the embedded font '{ResourceName}'.");
    }
}
