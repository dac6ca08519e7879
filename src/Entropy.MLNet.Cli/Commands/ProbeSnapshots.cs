using System.Globalization;
using System.Text;
using Entropy.MLNet.Probe;

namespace Entropy.MLNet.Cli.Commands;

/// <summary>
/// <c>entropy probe --snapshots</c>: the probe also measures its curve after given numbers of training images and
/// writes what it would have answered there (snapshots.csv) and every chunk's decoder losses (losses.csv); the data
/// behind the adaptive mode's rules (docs/performance.md).
/// </summary>
internal static class ProbeSnapshots
{
    /// <summary>The trace for <c>--snapshots</c>, or null when it is not given.</summary>
    /// <exception cref="ArgumentException">The list is malformed, the mode is adaptive, or there is no --out.</exception>
    public static ProbeTrace? Parse(string? text, ProbeOptions options, string? outDir)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (options.Mode != ProbeMode.Faithful)
        {
            throw new ArgumentException($"--snapshots: measures the faithful probe's training; drop --{options.Mode.ToName()}.");
        }
        if (outDir is null)
        {
            throw new ArgumentException("--snapshots: needs --out (the snapshots are written there).");
        }
        var counts = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 1)
            {
                throw new ArgumentException($"--snapshots: '{part}' is not a positive number of training images.");
            }
            counts.Add(n);
        }
        if (counts.Count == 0 || counts.Count > 64)
        {
            throw new ArgumentException("--snapshots: give 1 to 64 image counts, e.g. 4096,8192,16384.");
        }
        counts.Sort();
        return new ProbeTrace(counts.Distinct().ToArray());
    }

    /// <summary>Writes snapshots.csv and losses.csv into <paramref name="dir"/>; returns their paths.</summary>
    public static IEnumerable<string> Write(string dir, ProbeTrace trace)
    {
        var snapshots = new StringBuilder("images,layer,cutoff,median_relative_entropy,normalized_median,differential_entropy,decoder_test_mse\n");
        foreach (var (images, r) in trace.Snapshots)
        {
            for (int i = 0; i < r.MedianRelativeEntropy.Length; i++)
            {
                snapshots.Append(CultureInfo.InvariantCulture, $"{images},{i + 1},{r.Cutoff},{r.MedianRelativeEntropy[i]:R},{r.NormalizedMedian[i]:R},{r.DifferentialEntropy[i]:R},{r.DecoderTestMse[i]:R}\n");
            }
        }
        var losses = new StringBuilder("images,layer,loss\n");
        foreach (var (images, values) in trace.Losses)
        {
            for (int l = 0; l < values.Length; l++)
            {
                losses.Append(CultureInfo.InvariantCulture, $"{images},{l + 1},{values[l]:R}\n");
            }
        }
        string a = Path.Combine(dir, "snapshots.csv");
        string b = Path.Combine(dir, "losses.csv");
        File.WriteAllText(a, snapshots.ToString());
        File.WriteAllText(b, losses.ToString());
        return [a, b];
    }
}
