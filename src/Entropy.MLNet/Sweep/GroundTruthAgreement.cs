using Entropy.MLNet.Networks;
using Entropy.MLNet.Prediction;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// Scores predictors of the maximum trainable depth against ground-truth sets (docs/ground-truth.md): the probe (from
/// sweep directories of the same dataset, width and activation), the mean-field 6ξ_c (computed here) and, as the noise
/// ceiling, one seed of the ground truth against another; with a calibration, also its predictions
/// (<see cref="CalibratedPrediction"/>: the probe's curves alone, probe + mean field, and mean field alone). Cells are (σ_w², σ_b², depth) for every depth from the set's
/// min depth to its cap (or to the predictor's range, when shorter: a probe answers up to its curve length, D − 2 for
/// an MLP of depth D, D for the CNN, D + 1 for the ResNet).
/// <para>
/// A sweep is scored only against sets of its own family (architecture, and channels for the CNN and ResNet). The
/// mean-field 6ξ_c is scored for the MLP and the CNN (the same recursion with fan_in = C·k²), not for the ResNet; the
/// calibrated predictions, fitted on MLP curves, for the MLP only.
/// </para>
/// </summary>
public static class GroundTruthAgreement
{
    /// <summary>The predictor name of a seed used as a predictor of another (the noise ceiling).</summary>
    public static string SeedName(int seed) => $"seed {seed}";

    /// <summary>Groups <paramref name="sets"/> by everything but the seed and scores every predictor in each group.</summary>
    /// <param name="sets">Ground-truth directories; shards of one set are merged.</param>
    /// <param name="sweeps">Sweep directories whose probe cutoffs are scored where dataset, width and activation match.</param>
    /// <param name="calibration">A calibration whose predictions are scored too; null for none.</param>
    /// <param name="eachSweepsOwn">
    /// Score each sweep's calibrated predictions with the calibration its settings choose
    /// (<see cref="SweepPredictions.CalibrationFor"/>: by probe mode and budget) instead of <paramref name="calibration"/>,
    /// which then serves the mean-field row alone: a least-squares sweep read with the faithful probe's calibration
    /// would be scored on constants fitted to other curves.
    /// </param>
    /// <exception cref="ArgumentException">No set given, or a sweep whose family no set has.</exception>
    public static IReadOnlyList<AgreementGroup> Compute(IReadOnlyList<GroundTruthSet> sets, IReadOnlyList<SweepResults> sweeps, TrainabilityCalibration? calibration = null,
        bool eachSweepsOwn = false)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(sweeps);
        if (sets.Count == 0)
        {
            throw new ArgumentException("No ground-truth set given.", nameof(sets));
        }
        foreach (SweepResults sweep in sweeps)
        {
            if (!sets.Any(set => SameFamily(sweep.Settings, set.Settings)))
            {
                string given = string.Join("; ", sets.Select(set => Family(set.Settings.Family, set.Settings.EffectiveChannels)).Distinct(StringComparer.Ordinal));
                string family = Family(SweepFamily(sweep.Settings), SweepChannels(sweep.Settings));
                throw new ArgumentException(
                    $"Sweep '{sweep.Directory}' probes {family}, but no ground-truth set given is of that family (given: {given}); a family is scored only against its own ground truth (entropy groundtruth --architecture …).",
                    nameof(sweeps));
            }
        }
        var groups = new List<AgreementGroup>();
        foreach (var group in sets.GroupBy(s => s.Settings with { Seed = 0, Shard = null }))
        {
            GroundTruthSetSettings settings = group.Key;
            int[] seeds = [.. group.Select(s => s.Settings.Seed).Distinct().Order()];
            var boundaries = new List<AgreementBoundary>();
            foreach (int seed in seeds)
            {
                var seen = new HashSet<(double, double)>();
                foreach (GroundTruthBoundary b in group.Where(s => s.Settings.Seed == seed).SelectMany(s => s.Boundaries).OrderBy(b => b.SigmaB2).ThenBy(b => b.SigmaW2))
                {
                    if (seen.Add((b.SigmaW2, b.SigmaB2)))
                    {
                        boundaries.Add(new AgreementBoundary(b.SigmaW2, b.SigmaB2, seed, b.Status, b.MaxTrainableDepth, b.Seconds));
                    }
                }
            }
            bool complete = seeds.All(seed => settings.Grid().All(c => boundaries.Any(b => b.Seed == seed && b.SigmaW2 == c.SigmaW2 && b.SigmaB2 == c.SigmaB2)));
            var configurations = boundaries.Select(b => (b.SigmaW2, b.SigmaB2)).Distinct().ToList();

            var predictions = new List<AgreementPrediction>();
            // The calibration was fitted on MLP curves and ground truth; the ResNet has no mean-field line.
            TrainabilityCalibration? familyCalibration = settings.Family == Architectures.ArchitectureCatalog.MlpName ? calibration : null;
            if (settings.Family != Architectures.Convolutional.ConvolutionalArchitecture.ResNetName && Theory.MeanFieldActivation.TryFromName(settings.Activation, out _))
            {
                // A point where the theory has no finite answer is NaN: reported as non-finite, never as a depth.
                foreach (var (sw, sb) in configurations)
                {
                    double six = SweepTheory.TryEvaluate(settings.Activation, sw, sb, out _, out double xi) ? 6 * xi : double.NaN;
                    predictions.Add(new AgreementPrediction(Agreement.TheoryName, "mean field", sw, sb, six, null));
                    if (familyCalibration is not null)
                    {
                        predictions.Add(new AgreementPrediction(CalibratedPrediction.MeanFieldName, familyCalibration.Name, sw, sb,
                            CalibratedPrediction.MeanFieldDepth(double.IsNaN(six) ? double.NaN : six / 6, familyCalibration), null));
                    }
                }
            }
            var probeRanges = new Dictionary<string, int>();
            foreach (SweepResults sweep in sweeps.Where(s => Matches(s.Settings, settings)))
            {
                probeRanges[sweep.Directory] = SweepResults.CurveLength(sweep.Settings);
                foreach (var (sw, sb) in configurations)
                {
                    if (sweep.Records.FirstOrDefault(r => Same(r.SigmaW2, sw) && Same(r.SigmaB2, sb)) is { } record)
                    {
                        double? seconds = sweep.Timings.LastOrDefault(t => Same(t.SigmaW2, sw) && Same(t.SigmaB2, sb))?.ProbeSeconds;
                        predictions.Add(new AgreementPrediction(Agreement.ProbeName, sweep.Directory, sw, sb, record.Cutoff, seconds));
                        if ((eachSweepsOwn ? SweepPredictions.CalibrationFor(sweep.Settings) : familyCalibration) is { } cal && familyCalibration is not null)
                        {
                            // The calibrated predictions read the same probe (same seconds) and answer up to the set's cap.
                            var curve = sweep.Curve(record.SigmaW2, record.SigmaB2).OrderBy(p => p.Layer).ToList();
                            CurveFeatures features = CurveFeatures.FromCurves([.. curve.Select(p => p.DifferentialEntropy)], [.. curve.Select(p => (double)p.DecoderTestMse)], cal);
                            double xi = record.XiC ?? (SweepTheory.TryEvaluate(settings.Activation, sw, sb, out _, out double x) ? x : double.NaN);
                            predictions.Add(new AgreementPrediction(CalibratedPrediction.ProbeName, sweep.Directory, sw, sb, CalibratedPrediction.ProbeDepth(features, cal), seconds));
                            predictions.Add(new AgreementPrediction(CalibratedPrediction.ProbeMeanFieldName, sweep.Directory, sw, sb,
                                CalibratedPrediction.ProbeMeanFieldDepth(features, xi, cal), seconds));
                        }
                    }
                }
            }

            var rows = new List<AgreementRow>();
            foreach (int seed in seeds)
            {
                var truth = boundaries.Where(b => b.Seed == seed).ToList();
                foreach (var predictor in predictions.GroupBy(p => (p.Predictor, p.Source)))
                {
                    int cap = predictor.Key.Predictor == Agreement.ProbeName
                        ? Math.Min(settings.MaxDepth, probeRanges[predictor.Key.Source]) : settings.MaxDepth;
                    rows.Add(Score(predictor.Key.Predictor, predictor.Key.Source, seed, truth, [.. predictor], settings.MinDepth, cap));
                }
                // The ceiling: each later seed as a predictor of this one (the metrics are symmetric, so one direction).
                foreach (int other in seeds.Where(s => s > seed))
                {
                    var predicted = boundaries.Where(b => b.Seed == other)
                        .Select(b => new AgreementPrediction(SeedName(other), "ground truth", b.SigmaW2, b.SigmaB2, b.MaxTrainableDepth, null)).ToList();
                    rows.Add(Score(SeedName(other), "ground truth", seed, truth, predicted, settings.MinDepth, settings.MaxDepth));
                }
            }
            groups.Add(new AgreementGroup(settings, seeds, complete, boundaries, predictions, rows));
        }
        return [.. groups.OrderBy(g => g.Settings.Dataset, StringComparer.Ordinal).ThenBy(g => g.Settings.Activation, StringComparer.Ordinal)
            .ThenByDescending(g => g.Settings.Width, StringComparer.Ordinal).ThenBy(g => g.Settings.Steps).ThenBy(g => g.Settings.Search, StringComparer.Ordinal)];
    }

    /// <summary>One predictor against one seed's boundaries, over the configurations both have.</summary>
    internal static AgreementRow Score(string predictor, string source, int seed, IReadOnlyList<AgreementBoundary> truth,
        IReadOnlyList<AgreementPrediction> predictions, int minDepth, int maxDepth)
    {
        var pairs = new List<(double Predicted, int Actual)>();
        var ratios = new List<double>();
        double probeSeconds = 0, truthSeconds = 0;
        foreach (AgreementBoundary b in truth)
        {
            if (predictions.FirstOrDefault(p => Same(p.SigmaW2, b.SigmaW2) && Same(p.SigmaB2, b.SigmaB2)) is not { } p)
            {
                continue;
            }
            pairs.Add((p.Depth, Math.Min(b.MaxTrainableDepth, maxDepth)));
            if (p.Seconds is { } s && b.Seconds > 0)
            {
                probeSeconds += s;
                truthSeconds += b.Seconds;
                ratios.Add(s / b.Seconds);
            }
        }
        int top = Math.Max(minDepth, maxDepth);
        AgreementMetrics metrics = Agreement.Compute(predictor, pairs, [.. Enumerable.Range(minDepth, top - minDepth + 1)], top);
        double? ratio = ratios.Count == 0 ? null : probeSeconds / truthSeconds;
        double? median = ratios.Count == 0 ? null : Median(ratios);
        return new AgreementRow(predictor, source, seed, minDepth, top, metrics, ratio, median);
    }

    private static bool Matches(SweepSettings sweep, GroundTruthSetSettings truth)
        => SameFamily(sweep, truth)
            && string.Equals(sweep.Dataset, truth.Dataset, StringComparison.OrdinalIgnoreCase)
            && (truth.EffectiveChannels is not null || NetworkWidth.Parse(sweep.Width).ToString() == NetworkWidth.Parse(truth.Width).ToString())
            && string.Equals(Activation.Parse(sweep.Activation).Name, Activation.Parse(truth.Activation).Name, StringComparison.Ordinal);

    /// <summary>The same architecture and, for a convolutional family, the same channels.</summary>
    private static bool SameFamily(SweepSettings sweep, GroundTruthSetSettings truth)
        => SweepFamily(sweep) == truth.Family && SweepChannels(sweep) == truth.EffectiveChannels;

    private static string SweepFamily(SweepSettings sweep) => Architectures.ArchitectureCatalog.Get(sweep.Architecture ?? Architectures.ArchitectureCatalog.MlpName).Name;

    private static int? SweepChannels(SweepSettings sweep)
        => Architectures.ArchitectureCatalog.Get(SweepFamily(sweep)) is Architectures.Convolutional.ConvolutionalArchitecture conv ? sweep.Channels ?? conv.DefaultChannels : null;

    private static string Family(string name, int? channels) => channels is { } c ? $"a {name} with {c} channels" : $"an {name}";

    private static bool Same(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a));

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }
}
