using System.Globalization;
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

/// <summary>
/// The README's agreement table is what <c>entropy agreement</c> computes from the committed ground truth
/// (benchmarks/ground-truth) and the committed probe sweeps (benchmarks/probe).
/// </summary>
[TestClass]
public sealed class ReadmeAgreementTests
{
    [TestMethod]
    [DataRow("mnist")]
    [DataRow("fashion-mnist")]
    [DataRow("cifar10-gray")]
    public void ReadmeTable_ReproducedFromCommittedFiles(string dataset)
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string section = readme[readme.IndexOf("## Ground truth and agreement", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var sets = Directory.GetDirectories(Path.Combine(root, "benchmarks", "ground-truth"))
            .Where(d => File.Exists(Path.Combine(d, GroundTruthSetSettings.FileName))).Select(GroundTruthSet.Load).ToList();
        var sweeps = Directory.GetDirectories(Path.Combine(root, "benchmarks", "probe"))
            .Where(d => File.Exists(Path.Combine(d, "settings.json"))).Select(SweepResults.Load).ToList();
        AgreementGroup group = GroundTruthAgreement.Compute(sets, sweeps).Single(g => g.Name == $"{dataset} tanh w128 500 steps");

        AssertRow(section, $"| {dataset} | 6ξ_c |", group.Rows.Single(r => r.Predictor == Agreement.TheoryName && r.TruthSeed == 1));
        AssertRow(section, $"| {dataset} | probe (authors' rule) |", group.Rows.Single(r => r.Predictor == Agreement.ProbeName && r.TruthSeed == 1));
        AgreementRow? ceiling = group.Rows.SingleOrDefault(r => r.Predictor == GroundTruthAgreement.SeedName(2) && r.TruthSeed == 1);
        if (ceiling is not null)
        {
            AssertRow(section, $"| {dataset} | seed 2 (noise ceiling) |", ceiling);
        }
        else
        {
            Assert.IsFalse(section.Contains($"| {dataset} | seed 2", StringComparison.Ordinal), "the README shows a ceiling the committed files do not have");
        }
    }

    [TestMethod]
    public void EachSweepsOwnCalibration_LeastSquaresSweepScoredWithItsOwn()
    {
        // A least-squares sweep without --calibration: its cal-probe rows are those of calibration-ls.json, not of the
        // faithful default (whose constants were fitted to other curves); a faithful sweep keeps the default.
        string root = RepositoryRoot();
        GroundTruthSet[] sets = [GroundTruthSet.Load(Path.Combine(root, "benchmarks", "ground-truth", "fashion-mnist-seed1"))];
        SweepResults ls = SweepResults.Load(Path.Combine(root, "benchmarks", "prediction", "runs", "fashion-mnist-w128-d102-ls"));
        SweepResults faithful = SweepResults.Load(Path.Combine(root, "benchmarks", "prediction", "runs", "fashion-mnist-w128-d102"));
        var lsCalibration = Entropy.MLNet.Prediction.TrainabilityCalibration.ForProbe(null, 1, "least-squares");
        static AgreementMetrics CalProbe(AgreementGroup g, string source) => g.Rows.Single(r => r.Predictor == "cal-probe" && r.Source == source).Metrics;

        AgreementGroup own = GroundTruthAgreement.Compute(sets, [ls, faithful], Entropy.MLNet.Prediction.TrainabilityCalibration.Default, eachSweepsOwn: true).Single();
        AgreementGroup explicitLs = GroundTruthAgreement.Compute(sets, [ls], lsCalibration).Single();
        AgreementGroup explicitDefault = GroundTruthAgreement.Compute(sets, [ls, faithful], Entropy.MLNet.Prediction.TrainabilityCalibration.Default).Single();

        Assert.AreEqual(CalProbe(explicitLs, ls.Directory), CalProbe(own, ls.Directory));
        Assert.AreNotEqual(CalProbe(explicitDefault, ls.Directory), CalProbe(own, ls.Directory));
        Assert.AreEqual(CalProbe(explicitDefault, faithful.Directory), CalProbe(own, faithful.Directory));
    }

    [TestMethod]
    public void ReadmeCalibratedRows_ReproducedFromCommittedFiles()
    {
        // The calibrated table's MNIST column (IoU / Spearman vs seed 1): the committed MNIST probe run scored with the
        // embedded calibration (docs/prediction.md).
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string section = readme[readme.IndexOf("## Ground truth and agreement", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var sets = Directory.GetDirectories(Path.Combine(root, "benchmarks", "ground-truth"))
            .Where(d => File.Exists(Path.Combine(d, GroundTruthSetSettings.FileName))).Select(GroundTruthSet.Load).ToList();
        SweepResults probe = SweepResults.Load(Path.Combine(root, "benchmarks", "prediction", "runs", "mnist-w128-d102"));
        AgreementGroup calibrated = GroundTruthAgreement.Compute(sets, [probe], Entropy.MLNet.Prediction.TrainabilityCalibration.Default)
            .Single(g => g.Name == "mnist tanh w128 500 steps");
        foreach (string predictor in new[] { "cal-probe", "cal-probe+mf", "cal-mf" })
        {
            AgreementMetrics m = calibrated.Rows.Single(r => r.Predictor == predictor && r.TruthSeed == 1).Metrics;
            string line = section.Split('\n').Single(l => l.StartsWith($"| {predictor} |", StringComparison.Ordinal));
            Assert.AreEqual($"{F3(m.IoU)} / {F3(m.Spearman)}", line.Split('|', StringSplitOptions.TrimEntries)[2], line);
        }
    }

    private static void AssertRow(string section, string start, AgreementRow row)
    {
        AgreementMetrics m = row.Metrics;
        string line = section.Split('\n').Single(l => l.StartsWith(start, StringComparison.Ordinal));
        string[] cells = [.. line.Split('|', StringSplitOptions.TrimEntries).Where(c => c.Length > 0).Skip(2)];
        string[] expected =
        [
            F3(m.Accuracy), F3(m.F1), F3(m.IoU), F3(m.Spearman), F3(m.MeanAbsoluteLog2Error),
            row.ComputeRatio is { } ratio ? F3(ratio) : "–",
        ];
        Assert.HasCount(expected.Length, cells, line);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], cells[i], $"{line}: column {i + 3}");
        }
    }

    private static string F3(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

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
