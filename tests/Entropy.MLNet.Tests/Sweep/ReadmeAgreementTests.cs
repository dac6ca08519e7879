using System.Globalization;
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

/// <summary>The README's agreement table is what <c>entropy agreement</c> computes from the committed ground truth.</summary>
[TestClass]
public sealed class ReadmeAgreementTests
{
    [TestMethod]
    public void ReadmeTable_ReproducedFromCommittedGroundTruth()
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string section = readme[readme.IndexOf("## Ground truth and agreement", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        string sets = Path.Combine(root, "benchmarks", "ground-truth");
        var loaded = Directory.GetDirectories(sets).Where(d => File.Exists(Path.Combine(d, GroundTruthSetSettings.FileName))).Select(GroundTruthSet.Load).ToList();
        AgreementGroup mnist = GroundTruthAgreement.Compute(loaded, []).Single(g => g.Name == "mnist tanh w128 500 steps");

        AssertRow(section, "| 6ξ_c |", mnist.Rows.Single(r => r.Predictor == Agreement.TheoryName && r.TruthSeed == 1).Metrics);
        AssertRow(section, "| seed 2 ", mnist.Rows.Single(r => r.Predictor == GroundTruthAgreement.SeedName(2) && r.TruthSeed == 1).Metrics);

        // The calibrated rows' MNIST column (IoU / Spearman vs seed 1) from the committed probe run and the embedded calibration.
        SweepResults probe = SweepResults.Load(Path.Combine(root, "benchmarks", "prediction", "runs", "mnist-w128-d102"));
        AgreementGroup calibrated = GroundTruthAgreement.Compute(loaded, [probe], Entropy.MLNet.Prediction.TrainabilityCalibration.Default)
            .Single(g => g.Name == "mnist tanh w128 500 steps");
        foreach (string predictor in new[] { "cal-probe", "cal-probe+mf", "cal-mf" })
        {
            AgreementMetrics m = calibrated.Rows.Single(r => r.Predictor == predictor && r.TruthSeed == 1).Metrics;
            string line = section.Split('\n').Single(l => l.StartsWith($"| {predictor} |", StringComparison.Ordinal));
            Assert.AreEqual(string.Create(CultureInfo.InvariantCulture, $"{m.IoU:F3} / {m.Spearman:F3}"), line.Split('|', StringSplitOptions.TrimEntries)[2], line);
        }
    }

    private static void AssertRow(string section, string start, AgreementMetrics m)
    {
        string line = section.Split('\n').Single(l => l.StartsWith(start, StringComparison.Ordinal));
        string[] cells = [.. line.Split('|', StringSplitOptions.TrimEntries).Where(c => c.Length > 0).Skip(1)];
        double[] expected = [m.Accuracy, m.F1, m.IoU, m.Spearman, m.MeanAbsoluteLog2Error];
        Assert.HasCount(expected.Length, cells, line);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i].ToString("F3", CultureInfo.InvariantCulture), cells[i], $"{line}: column {i + 1}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Entropy.MLNet.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Entropy.MLNet.sln above {AppContext.BaseDirectory}.");
    }
}
