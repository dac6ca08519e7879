using System.CommandLine;
using System.Globalization;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Reporting;
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Cli.Commands;

/// <summary>
/// <c>entropy agreement</c>: scores the probe (sweep directories) and 6ξ_c against ground-truth sets, with the
/// seed-vs-seed ceiling and the compute ratio; text, JSON and one picture per group.
/// </summary>
internal static class AgreementCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var truth = new Option<string[]>("--truth")
        {
            Description = "Ground-truth directories (from entropy groundtruth), or folders whose sub-folders are (e.g. benchmarks/ground-truth).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var sweeps = new Option<string[]>("--sweep")
        {
            Description = "Sweep results directories whose probe cutoffs are scored (matched to ground truth by family, dataset, width or channels, and activation; a sweep whose family no set has is refused).",
            AllowMultipleArgumentsPerToken = true,
        };
        var plot = new Option<string?>("--plot") { Description = "Folder for one agreement picture per ground-truth group (PNG)." };
        var calibration = new Option<string?>("--calibration")
        {
            Description = "Calibration file (JSON, docs/prediction.md) whose predictions are scored too (cal-probe, cal-probe+mf, cal-mf); default: each sweep's own (the embedded one its probe mode and budget choose; cal-mf the embedded default); 'none' for no calibrated rows.",
        };
        var command = new Command("agreement",
            "How often is the prediction right? Scores predictors of the maximum trainable depth against ground truth: 6ξ_c (mean field, computed here), the probe " +
            "(--sweep) and, as the noise ceiling, one seed of the ground truth against another. Per dataset, network and budget: accuracy, F1 and IoU of the trainable " +
            "(σ_w², depth) cells, Spearman of the maximum trainable depth across σ_w², mean |log2(predicted/true)|, and the probe's compute ratio.\n" +
            "Example: entropy agreement --truth benchmarks/ground-truth --sweep runs/mnist-w128 --plot runs/agreement")
        {
            truth, sweeps, plot, calibration, format,
        };
        CliAction.Set(command, format, (parse, cli, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            IReadOnlyList<GroundTruthSet> sets = LoadSets(parse.GetValue(truth) ?? []);
            string? calibrationPath = parse.GetValue(calibration);
            TrainabilityCalibration? cal = calibrationPath switch
            {
                null => TrainabilityCalibration.Default,
                "none" => null,
                string path => TrainabilityCalibration.Load(path),
            };
            var results = (parse.GetValue(sweeps) ?? []).Select(SweepResults.Load).ToList();
            // Without --calibration each sweep is scored with the calibration its own settings choose (mode and budget).
            IReadOnlyList<AgreementGroup> groups = GroundTruthAgreement.Compute(sets, results, cal, eachSweepsOwn: calibrationPath is null);
            var pictures = new List<string>();
            if (parse.GetValue(plot) is { } folder)
            {
                Directory.CreateDirectory(folder);
                foreach (AgreementGroup g in groups.Where(g => g.Boundaries.Count > 0))
                {
                    string path = Path.Combine(folder, PictureName(g));
                    AgreementDiagram.Write(g, path);
                    pictures.Add(Path.GetFullPath(path));
                }
            }
            var output = new AgreementOutput(groups, pictures, cal is null ? null : new AgreementCalibration(cal.Name, cal.Provenance),
                calibrationPath is null ? [.. results.Select(r => SweepPredictions.CalibrationFor(r.Settings)).OfType<TrainabilityCalibration>().Select(c => c.Name).Distinct(StringComparer.Ordinal)] : []);
            cli.Write(output, output.WriteText);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>The picture's file name: agreement-DATASET-ACTIVATION-wWIDTH-STEPS[-scan].png (FAMILY-cCHANNELS for WIDTH's part for a CNN/ResNet).</summary>
    internal static string PictureName(AgreementGroup g)
        => string.Create(CultureInfo.InvariantCulture,
            $"agreement-{g.Settings.Dataset.Replace(':', '_').Replace('/', '_')}-{g.Settings.Activation}-{(g.Settings.EffectiveChannels is { } c ? $"{g.Settings.Family}-c{c}" : $"w{g.Settings.Width.Replace(',', '_')}")}-{g.Settings.Steps}{(g.Settings.Search == "scan" ? "-scan" : string.Empty)}.png");

    /// <summary>Reads every ground-truth directory named, or found one level below a named folder.</summary>
    /// <exception cref="ArgumentException">A path is neither.</exception>
    internal static IReadOnlyList<GroundTruthSet> LoadSets(IReadOnlyList<string> paths)
    {
        var sets = new List<GroundTruthSet>();
        foreach (string path in paths)
        {
            if (File.Exists(Path.Combine(path, GroundTruthSetSettings.FileName)))
            {
                sets.Add(GroundTruthSet.Load(path));
                continue;
            }
            string[] children = Directory.Exists(path)
                ? [.. Directory.GetDirectories(path).Where(d => File.Exists(Path.Combine(d, GroundTruthSetSettings.FileName))).Order(StringComparer.Ordinal)]
                : [];
            if (children.Length == 0)
            {
                throw new ArgumentException($"--truth '{path}': no {GroundTruthSetSettings.FileName} there or in its sub-folders; give a directory written by 'entropy groundtruth'.");
            }
            sets.AddRange(children.Select(GroundTruthSet.Load));
        }
        return sets;
    }
}

/// <summary>What <c>entropy agreement</c> prints.</summary>
/// <param name="SweepCalibrations">Without --calibration: the calibrations the sweeps' own settings chose for their cal-probe rows.</param>
internal sealed record AgreementOutput(IReadOnlyList<AgreementGroup> Groups, IReadOnlyList<string> Pictures, AgreementCalibration? Calibration = null,
    IReadOnlyList<string>? SweepCalibrations = null)
{
    public static string Number(double value, string format)
        => double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "inf" : value.ToString(format, CultureInfo.InvariantCulture);

    public void WriteText(TextWriter w)
    {
        var c = CultureInfo.InvariantCulture;
        if (Calibration is { } cal)
        {
            w.WriteLine(SweepCalibrations is { Count: > 0 } own
                ? $"Calibration per sweep (its settings' probe mode and budget): {string.Join(", ", own)}; cal-mf: {cal.Name}"
                : $"Calibration {cal.Name}: fitted on {cal.Provenance.Truth}; probe {cal.Provenance.Probe}");
            w.WriteLine();
        }
        foreach (AgreementGroup g in Groups)
        {
            int configurations = g.Settings.Grid().Count;
            string counts = string.Join(", ", g.Seeds.Select(s => $"seed {s}: {g.Boundaries.Count(b => b.Seed == s)}/{configurations}"));
            w.WriteLine(string.Create(c, $"{g.Name}: threshold {g.Settings.Threshold}, depths {g.Settings.MinDepth}..{g.Settings.MaxDepth}; {counts}{(g.Complete ? string.Empty : " (incomplete)")}"));
            foreach (int seed in g.Seeds)
            {
                var b = g.Boundaries.Where(x => x.Seed == seed).OrderBy(x => x.SigmaB2).ThenBy(x => x.SigmaW2).ToList();
                int censored = b.Count(x => x.Status == GroundTruthBoundaryStatus.Censored);
                int none = b.Count(x => x.Status == GroundTruthBoundaryStatus.None);
                w.WriteLine(string.Create(c, $"  seed {seed} boundary (σ_w² → D*; {censored} censored, {none} none): {string.Join("  ", b.Select(x => $"{x.SigmaW2:0.0##}→{Describe(x, g.Settings.MaxDepth)}"))}"));
            }
            w.WriteLine("  predictor     vs seed  configs  depths    accuracy     F1    IoU  Spearman  |log2|    MAE  non-finite  compute ratio (total, median)");
            // With several sweeps in a group, each probe row names its sweep.
            int sweepCount = g.Rows.Where(r => r.ComputeRatio is not null).Select(r => r.Source).Distinct(StringComparer.Ordinal).Count();
            foreach (AgreementRow r in g.Rows)
            {
                AgreementMetrics m = r.Metrics;
                string ratio = r.ComputeRatio is { } total ? string.Create(c, $"{total:0.###}, {r.MedianComputeRatio:0.###}") : "-";
                if (sweepCount > 1 && r.ComputeRatio is not null)
                {
                    ratio += $"  {Path.GetFileName(r.Source.TrimEnd('/', Path.DirectorySeparatorChar))}";
                }
                w.WriteLine(string.Create(c,
                    $"  {r.Predictor,-12}  {r.TruthSeed,7}  {m.Configurations,7}  {r.MinDepth,3}..{r.MaxDepth,-3}  {Number(m.Accuracy, "F3"),8}  {Number(m.F1, "F3"),5}  {Number(m.IoU, "F3"),5}  {Number(m.Spearman, "F3"),8}  {Number(m.MeanAbsoluteLog2Error, "F3"),6}  {Number(m.MeanAbsoluteDepthError, "F1"),5}  {m.NonFinite,10}  {ratio}"));
            }
            w.WriteLine();
        }
        foreach (string p in Pictures)
        {
            w.WriteLine($"Picture: {p}");
        }
    }

    private static string Describe(AgreementBoundary b, int cap) => b.Status switch
    {
        GroundTruthBoundaryStatus.Censored => $"≥{cap}",
        GroundTruthBoundaryStatus.None => "none",
        _ => b.MaxTrainableDepth.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>The calibration whose rows <c>entropy agreement</c> printed.</summary>
internal sealed record AgreementCalibration(string Name, CalibrationProvenance Provenance);
