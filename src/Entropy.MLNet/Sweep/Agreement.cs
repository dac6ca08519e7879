using Entropy.MLNet.Prediction;

namespace Entropy.MLNet.Sweep;

/// <summary>The agreement of the probe and of the 6ξ_c baseline with ground truth on the same grid.</summary>
/// <param name="Depths">The depths of the cells (every depth 2..D − 2 unless given).</param>
/// <param name="Probe">The probe's metrics (predicted trainable at L ⇔ cutoff ≥ L).</param>
/// <param name="Theory">The 6ξ_c baseline's metrics (predicted trainable at L ⇔ L ≤ 6ξ_c), over the configurations that have theory columns; null when none has.</param>
public sealed record AgreementReport(IReadOnlyList<int> Depths, AgreementMetrics Probe, AgreementMetrics? Theory);

/// <summary>
/// Agreement between predicted and measured trainability over (σ_w², depth) cells. Ground truth gives, per
/// configuration, the maximum trainable depth D* (found by a depth search up to the max depth, which assumes
/// monotonicity in depth), so the cell (configuration, L) is trainable ⇔ L ≤ D*. The probe predicts trainable ⇔
/// cutoff ≥ L (<see cref="TrainabilityScore.PredictedTrainable"/>); the mean-field baseline ⇔ L ≤ 6ξ_c. Metrics:
/// <see cref="AgreementMetrics"/>.
/// </summary>
public static class Agreement
{
    /// <summary>The predictor name of the probe.</summary>
    public const string ProbeName = "probe";

    /// <summary>The predictor name of the mean-field baseline.</summary>
    public const string TheoryName = "6ξc";

    /// <summary>Agreement of a results directory's rows (those with ground truth).</summary>
    /// <exception cref="InvalidOperationException">No row has ground truth.</exception>
    public static AgreementReport Compute(SweepResults results, IReadOnlyList<int>? depths = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        return Compute(results.Records, depths);
    }

    /// <summary>Agreement of results rows (those with ground truth).</summary>
    /// <param name="records">Results rows; rows without ground truth are ignored.</param>
    /// <param name="depths">Cell depths; default every depth from 2 to D − 2 (the last layer the probe's curve covers; D = max depth).</param>
    /// <exception cref="InvalidOperationException">No row has ground truth.</exception>
    public static AgreementReport Compute(IReadOnlyList<SweepRecord> records, IReadOnlyList<int>? depths = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var withTruth = records.Where(r => r.GtMaxTrainableDepth is not null).ToList();
        if (withTruth.Count == 0)
        {
            throw new InvalidOperationException("No configuration has ground truth; run the sweep with --ground-truth.");
        }
        int maxDepth = withTruth.Max(r => r.MaxDepth);
        // The probe's curve ends at layer D − 2 (the last two layers are excluded), so by default cells stop there.
        IReadOnlyList<int> cells = depths ?? [.. Enumerable.Range(2, Math.Max(1, maxDepth - 3))];
        AgreementMetrics probe = Compute(ProbeName, [.. withTruth.Select(r => ((double)r.PredictionCutoff, r.GtMaxTrainableDepth!.Value))], cells, maxDepth);
        var theoryRows = withTruth.Where(r => r.SixXiC is not null).ToList();
        AgreementMetrics? theory = theoryRows.Count == 0 ? null
            : Compute(TheoryName, [.. theoryRows.Select(r => (r.SixXiC!.Value, r.GtMaxTrainableDepth!.Value))], cells, maxDepth);
        return new AgreementReport(cells, probe, theory);
    }

    /// <summary>The metrics of one predictor.</summary>
    /// <param name="predictor">Name shown in reports.</param>
    /// <param name="pairs">Per configuration: the predicted maximum trainable depth (may be +∞; NaN = no finite answer, e.g. a diverging network) and the actual one (0 = none; the cap when censored).</param>
    /// <param name="depths">Cell depths.</param>
    /// <param name="maxDepth">The deepest depth searched; both sides are clipped to it for the depth errors and the correlation.</param>
    /// <remarks>
    /// A NaN prediction is never read as a depth: its configuration is left out of every metric and counted in
    /// <see cref="AgreementMetrics.NonFinite"/>. The log₂ error clips both sides to [min depth − 1, max depth], so "none"
    /// (no depth trains) counts as min depth − 1 and a censored truth (≥ cap) scores 0 for a prediction ≥ cap and
    /// log₂(cap / prediction), a lower bound, below it.
    /// </remarks>
    public static AgreementMetrics Compute(string predictor, IReadOnlyList<(double Predicted, int Actual)> pairs, IReadOnlyList<int> depths, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(depths);
        var finite = pairs.Where(p => !double.IsNaN(p.Predicted)).ToList();
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var (predicted, actual) in finite)
        {
            foreach (int depth in depths)
            {
                bool p = predicted >= depth;
                bool a = actual >= depth;
                if (p && a)
                {
                    tp++;
                }
                else if (p)
                {
                    fp++;
                }
                else if (a)
                {
                    fn++;
                }
                else
                {
                    tn++;
                }
            }
        }
        int cells = tp + fp + fn + tn;
        double accuracy = cells == 0 ? double.NaN : (double)(tp + tn) / cells;
        double f1 = tp + fp + fn == 0 ? 1.0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
        double iou = tp + fp + fn == 0 ? 1.0 : (double)tp / (tp + fp + fn);
        double[] predictedClipped = [.. finite.Select(p => Math.Clamp(p.Predicted, 0, maxDepth))];
        double[] actualClipped = [.. finite.Select(p => (double)Math.Clamp(p.Actual, 0, maxDepth))];
        double mae = finite.Count == 0 ? double.NaN : predictedClipped.Zip(actualClipped, (p, a) => Math.Abs(p - a)).Average();
        double floor = Math.Max(1, (depths.Count == 0 ? Training.TrainableDepthSearch.MinimumDepth : depths.Min()) - 1);
        double top = Math.Max(floor, maxDepth);
        double log2 = finite.Count == 0 ? double.NaN
            : finite.Average(p => Math.Abs(Math.Log2(Math.Clamp(p.Predicted, floor, top) / Math.Clamp(p.Actual, floor, top))));
        return new AgreementMetrics(predictor, finite.Count, cells, tp, fp, fn, tn, accuracy, f1, iou, Spearman(predictedClipped, actualClipped), mae)
        {
            NonFinite = pairs.Count - finite.Count,
            MeanAbsoluteLog2Error = log2,
        };
    }

    /// <summary>Spearman's rank correlation: the Pearson correlation of the ranks, ties given their average rank.</summary>
    /// <returns>In [−1, 1]; NaN with fewer than 2 values or when either side is constant.</returns>
    /// <exception cref="ArgumentException">Different lengths.</exception>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"Spearman needs equally long lists; got {x.Count} and {y.Count}.", nameof(y));
        }
        if (x.Count < 2)
        {
            return double.NaN;
        }
        double[] rx = Ranks(x);
        double[] ry = Ranks(y);
        double mx = rx.Average();
        double my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>1-based ranks, ties sharing the average of the ranks they span (e.g. [10, 20, 20, 30] → [1, 2.5, 2.5, 4]).</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int[] order = [.. Enumerable.Range(0, values.Count).OrderBy(i => values[i])];
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }
            double rank = ((start + end) / 2.0) + 1.0;
            for (int k = start; k <= end; k++)
            {
                ranks[order[k]] = rank;
            }
            start = end + 1;
        }
        return ranks;
    }
}
