using System.Globalization;
using System.Text.Json;
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Theory;

namespace Entropy.MLNet.Reporting;

/// <summary>
/// The report of a sweep results directory: the phase diagram and entropy curves per σ_b² as PNGs, and one
/// self-contained <c>report.html</c> with those pictures, the probe's reconstruction grids, the settings, the
/// results table, the agreement with ground truth (when measured) and the timings. Regenerated from the files alone.
/// </summary>
public static class SweepReport
{
    /// <summary>The report's file name inside the results directory.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>Folder of the probe's reconstruction-grid PNGs inside the results directory.</summary>
    public const string ReconstructionFolder = SweepFiles.ReconstructionFolder;

    /// <summary>Reads the results directory <paramref name="directory"/> and writes its PNGs and report.html into it.</summary>
    /// <param name="directory">A sweep results directory (settings.json, results.csv, curves.csv, …).</param>
    /// <param name="scoreDepth">The depth L of the results table's score column; default max(2, D / 2), as <c>entropy sweep</c>'s summary.</param>
    /// <returns>The files written.</returns>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">No settings.json there.</exception>
    /// <exception cref="InvalidDataException">A corrupt results file, or no finished configuration to report.</exception>
    /// <exception cref="ResultsDirectoryBusyException">Another writer (a running sweep) holds the directory.</exception>
    public static SweepReportFiles Write(string directory, int? scoreDepth = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: no such directory; give a sweep results directory (the --out of entropy sweep).");
        }
        if (!File.Exists(Path.Combine(directory, SweepSettings.FileName)))
        {
            _ = SweepSettings.Load(directory); // not a results directory: its error, before a lock file is created there
        }
        using var writer = ResultsDirectoryLock.Acquire(directory, "entropy report");
        return WriteLocked(SweepResults.Load(directory), scoreDepth);
    }

    /// <summary>Writes the PNGs and report.html of already loaded results into <see cref="SweepResults.Directory"/>.</summary>
    /// <param name="results">The results.</param>
    /// <param name="scoreDepth">The depth L of the results table's score column; default max(2, D / 2), as <c>entropy sweep</c>'s summary.</param>
    /// <returns>The files written.</returns>
    /// <exception cref="InvalidDataException">No finished configuration to report.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scoreDepth"/> is below 1.</exception>
    /// <exception cref="ResultsDirectoryBusyException">Another writer (a running sweep) holds the directory.</exception>
    public static SweepReportFiles Write(SweepResults results, int? scoreDepth = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var writer = ResultsDirectoryLock.Acquire(results.Directory, "entropy report");
        return WriteLocked(results, scoreDepth);
    }

    private static SweepReportFiles WriteLocked(SweepResults results, int? scoreDepth)
    {
        int depth = scoreDepth ?? DefaultScoreDepth(results.Settings.MaxDepth);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1, nameof(scoreDepth));
        if (results.Records.Count == 0)
        {
            throw new InvalidDataException($"{Path.Combine(results.Directory, SweepRecord.FileName)}: no finished configuration yet; nothing to report.");
        }
        var settings = results.Settings;
        var panels = Panels(results);
        var images = new List<ReportImage>();
        var written = new List<string>();
        bool several = panels.Count > 1;
        foreach (var panel in panels)
        {
            string suffix = several ? "_sigmaB2_" + SweepCsv.Format(panel.SigmaB2) : string.Empty;
            var phase = PlotPng.Encode(PhaseDiagram.Build(panel), PhaseDiagram.DefaultWidth, PhaseDiagram.DefaultHeight);
            images.Add(Save(results.Directory, $"phase-diagram{suffix}.png", phase, written,
                "Phase diagram: colour = normalised median relative entropy per layer (1 = the deepest layer's value); red = the probe's cutoff "
                + "(predicted maximum trainable depth); black = mean-field ξ_c (solid) and 6ξ_c (dashed); dashed vertical = critical σ_w²"
                + (panel.Columns.Any(c => c.GroundTruthMaxDepth is not null) ? "; diamonds = ground-truth maximum trainable depth." : ".")));
            var selected = EntropyCurves.Select(panel.Columns);
            string curvesTitle = string.Create(CultureInfo.InvariantCulture, $"Relative entropy per layer: {settings.Dataset}, σ_b² = {panel.SigmaB2:0.#####}");
            var curves = PlotPng.Encode(EntropyCurves.Build(curvesTitle, selected), EntropyCurves.DefaultWidth, EntropyCurves.DefaultHeight);
            images.Add(Save(results.Directory, $"entropy-curves{suffix}.png", curves, written,
                "Median relative entropy (KL between input and reconstruction) against the layer it is reconstructed from, for σ_w² spread over the grid; "
                + "▲ marks each curve's cutoff."));
            foreach (var column in selected)
            {
                string name = SweepFiles.ReconstructionFileName(column.SigmaW2, panel.SigmaB2);
                string path = Path.Combine(results.Directory, ReconstructionFolder, name);
                // A zero-byte picture is what kill -9 left before pictures were written atomically: leave it out.
                if (File.Exists(path) && new FileInfo(path).Length > 0)
                {
                    images.Add(new ReportImage(
                        string.Create(CultureInfo.InvariantCulture, $"Reconstructions at σ_w² = {column.SigmaW2:0.###}, σ_b² = {panel.SigmaB2:0.#####}: rows are test images, columns the input and its reconstruction from layer 1, 2, …"),
                        Path.Combine(ReconstructionFolder, name), File.ReadAllBytes(path), NaturalSize: true));
                }
            }
        }
        var tables = new List<ReportTable> { ResultsTable(results, depth) };
        if (AgreementTable(results) is { } agreement)
        {
            tables.Add(agreement);
        }
        if (TimingsTable(results) is { } timings)
        {
            tables.Add(timings);
        }
        var document = new ReportDocument
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"Reconstruction-entropy sweep: {settings.Dataset}, {settings.Activation}, {NetworkLabel(settings)}, depth {settings.MaxDepth}"),
            Summary = Summary(results, panels),
            Settings = SettingsRows(settings),
            Images = images,
            Tables = tables,
            Footer = "Written by Entropy.MLNet (entropy report) from the files of this directory; regenerate with: entropy report "
                + Path.GetFullPath(results.Directory),
        };
        string html = Path.Combine(results.Directory, HtmlFileName);
        ReportHtml.Write(document, html);
        return new SweepReportFiles(results.Directory, html, written);
    }

    /// <summary>One phase-diagram panel per σ_b² that has finished configurations.</summary>
    internal static IReadOnlyList<PhaseDiagramPanel> Panels(SweepResults results)
    {
        var settings = results.Settings;
        var curves = results.Curves.GroupBy(p => (p.SigmaW2, p.SigmaB2)).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Layer).ToArray());
        MeanFieldTheory? theory = settings.Architecture == Architectures.Convolutional.ConvolutionalArchitecture.ResNetName ? null : TheoryFor(settings.Activation);
        var panels = new List<PhaseDiagramPanel>();
        foreach (var group in results.Records.GroupBy(r => r.SigmaB2).OrderBy(g => g.Key))
        {
            double sigmaB2 = group.Key;
            var columns = new List<PhaseColumn>();
            foreach (var record in group.OrderBy(r => r.SigmaW2))
            {
                curves.TryGetValue((record.SigmaW2, sigmaB2), out var points);
                points ??= [];
                double? xiC = record.XiC;
                double? sixXiC = record.SixXiC;
                if (xiC is null && theory is not null)
                {
                    // Results written without theory columns: compute them, as the report promises the lines.
                    xiC = Try(() => theory.Evaluate(record.SigmaW2, sigmaB2).XiC);
                    sixXiC = xiC * 6;
                }
                columns.Add(new PhaseColumn
                {
                    SigmaW2 = record.SigmaW2,
                    NormalizedMedian = [.. points.Select(p => (double)p.NormalizedMedian)],
                    MedianRelativeEntropy = [.. points.Select(p => (double)p.MedianRelativeEntropy)],
                    Cutoff = record.Cutoff,
                    PredictedDepth = record.PredictedDepth,
                    XiC = xiC,
                    SixXiC = sixXiC,
                    GroundTruthMaxDepth = record.GtMaxTrainableDepth,
                });
            }
            int layers = columns.Max(c => c.NormalizedMedian.Count);
            panels.Add(new PhaseDiagramPanel
            {
                Title = string.Create(CultureInfo.InvariantCulture,
                    $"Phase diagram: {settings.Dataset}, {settings.Activation}, {NetworkLabel(settings)}, σ_b² = {sigmaB2:0.#####}"),
                SigmaB2 = sigmaB2,
                Columns = columns,
                CriticalSigmaW2 = theory is null ? null : Try(() => theory.CriticalSigmaW2(sigmaB2)),
                MaxDepth = Math.Max(layers, 1),
            });
        }
        return panels;
    }

    /// <summary>"cnn, 16 channels" for a convolutional family; the MLP's width label otherwise.</summary>
    private static string NetworkLabel(SweepSettings settings) => settings.Architecture is { } family
        ? string.Create(CultureInfo.InvariantCulture, $"{family}, {settings.Channels} channels")
        : WidthLabel(settings.Width);

    /// <summary>"width 256" for a fixed width, "wide network" for a width rule.</summary>
    private static string WidthLabel(string width) => int.TryParse(width, NumberStyles.None, CultureInfo.InvariantCulture, out int w)
        ? string.Create(CultureInfo.InvariantCulture, $"width {w}")
        : $"{width} network";

    private static MeanFieldTheory? TheoryFor(string activation)
    {
        try
        {
            return MeanFieldTheory.ForActivation(activation);
        }
        catch (ArgumentException)
        {
            // An activation the theory does not know: the report leaves the theory lines out.
            return null;
        }
    }

    private static double? Try(Func<double> compute)
    {
        try
        {
            double value = compute();
            return double.IsNaN(value) ? null : value;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            return null;
        }
    }

    private static ReportImage Save(string directory, string fileName, byte[] png, List<string> written, string caption)
    {
        string path = Path.Combine(directory, fileName);
        DurableFile.Replace(path, file => file.Write(png));
        written.Add(path);
        return new ReportImage(caption, fileName, png);
    }

    private static string Summary(SweepResults results, IReadOnlyList<PhaseDiagramPanel> panels)
    {
        var inv = CultureInfo.InvariantCulture;
        int total = results.Settings.ShardConfigurations().Count;
        var parts = new List<string>
        {
            string.Create(inv, $"{results.Records.Count} of {total} configurations finished{(results.IsComplete ? "" : " (the sweep is incomplete: run the same command again to resume)")}."),
        };
        foreach (var panel in panels)
        {
            var best = panel.Columns.OrderByDescending(c => c.Cutoff ?? double.MinValue).First();
            string critical = panel.CriticalSigmaW2 is { } c ? string.Create(inv, $"; the mean-field critical σ_w² is {c:0.###}") : string.Empty;
            parts.Add(string.Create(inv, $"At σ_b² = {panel.SigmaB2:0.#####} the deepest cutoff is {best.Cutoff:0} layers, at σ_w² = {best.SigmaW2:0.###}{critical}."));
        }
        parts.Add("The cutoff is the predicted maximum trainable depth: the deepest layer whose normalised relative entropy is still more than the tolerance away from its final value.");
        return string.Join(' ', parts);
    }

    /// <summary>settings.json flattened to (name, value) rows, nested objects as dotted names.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> SettingsRows(SweepSettings settings)
    {
        using var json = JsonDocument.Parse(settings.ToJson());
        var rows = new List<KeyValuePair<string, string>>();
        Flatten(json.RootElement, string.Empty, rows);
        return rows;
    }

    private static void Flatten(JsonElement element, string prefix, List<KeyValuePair<string, string>> rows)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix.Length == 0 ? property.Name : prefix + "." + property.Name, rows);
                }
                break;
            case JsonValueKind.Array:
                rows.Add(new(prefix, string.Join(", ", element.EnumerateArray().Select(Scalar))));
                break;
            default:
                rows.Add(new(prefix, Scalar(element)));
                break;
        }
    }

    private static string Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString() ?? string.Empty,
        JsonValueKind.Null => "(none)",
        _ => element.GetRawText(),
    };

    /// <summary>The default depth of the score column: half the probed depth (at least 2), as <c>entropy sweep</c>'s summary.</summary>
    public static int DefaultScoreDepth(int maxDepth) => Math.Max(2, maxDepth / 2);

    private static ReportTable ResultsTable(SweepResults results, int depth)
    {
        TrainabilityCalibration? calibration = SweepPredictions.CalibrationFor(results.Settings);
        bool truth = results.Records.Any(r => r.GtMaxTrainableDepth is not null);
        var headers = new List<string> { "σ_b²", "σ_w²", "cutoff", "predicted depth", "χ_1", "ξ_c", "6ξ_c", "verdict", string.Create(CultureInfo.InvariantCulture, $"score (L = {depth})") };
        if (truth)
        {
            headers.Add("ground truth: max. depth");
            headers.Add("ground truth: test acc.");
        }
        var rows = new List<IReadOnlyList<string>>();
        foreach (var r in results.Records)
        {
            TrainabilityVerdict? verdict = r.Phase ?? (r.Chi1 is { } chi && chi >= 0 ? TrainabilityScore.Verdict(chi) : null);
            var row = new List<string>
            {
                Number(r.SigmaB2, "0.#####"), Number(r.SigmaW2, "0.###"), Number(r.Cutoff, "0"), Number(r.PredictedDepth, "0.0"), Number(r.Chi1, "0.0000"),
                Number(r.XiC, "0.00"), Number(r.SixXiC, "0.0"), verdict is { } v ? TrainabilityScore.Name(v) : "–",
                Number(r.Score(depth), "0.000"),
            };
            if (truth)
            {
                row.Add(Number(r.GtMaxTrainableDepth, "0"));
                row.Add(Number(r.GtTestAccuracy, "0.000"));
            }
            rows.Add(row);
        }
        string predicted = calibration is null
            ? $"predicted depth: none; no calibration was fitted for the {results.Settings.Architecture} family, so the score reads the cutoff. "
            : $"predicted depth: the calibrated prediction of the maximum trainable depth ({CalibratedPrediction.ProductName}, calibration "
                + $"{calibration.Name}, fitted on {calibration.Provenance.Truth}; probe budget: {calibration.Provenance.Probe}; docs/prediction.md). ";
        return new ReportTable("Results", headers, rows, "cutoff: the authors' saturation index of the relative-entropy curve. " + predicted + string.Create(CultureInfo.InvariantCulture,
            $"verdict: the mean-field phase from χ_1 (near-critical when |χ_1 − 1| < {TrainabilityScore.CriticalBand}), a label, not a prediction. "
            + $"score: how confidently a network of depth L = {depth} lies within the predicted depth D (the cutoff where the calibration has no answer), 1 / (1 + exp(−(D + ½ − L) / w)), w = max(1, 0.1·D); above ½ means predicted trainable."));
    }

    private static ReportTable? AgreementTable(SweepResults results)
    {
        if (!results.Records.Any(r => r.GtMaxTrainableDepth is not null))
        {
            return null;
        }
        var report = Agreement.Compute(results);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var m in report.Theory is { } theory ? new[] { report.Probe, theory } : [report.Probe])
        {
            rows.Add([
                m.Predictor == Agreement.ProbeName ? "probe (cutoff ≥ L)" : "mean field (6ξ_c ≥ L)",
                Number(m.Configurations, "0"), Number(m.Cells, "0"), Number(m.Accuracy, "0.000"), Number(m.F1, "0.000"),
                Number(m.IoU, "0.000"), Number(m.Spearman, "0.000"), Number(m.MeanAbsoluteDepthError, "0.0"),
            ]);
        }
        var settings = results.Settings.GroundTruth;
        string budget = settings is null ? string.Empty : string.Create(CultureInfo.InvariantCulture,
            $" Ground truth: {settings.Optimizer}, learning rate {settings.LearningRate}, {settings.Epochs} epoch(s), trainable when test accuracy ≥ {settings.Threshold}, {settings.Search} search on depth.");
        return new ReportTable("Agreement with ground truth",
            ["predictor", "configurations", "cells (σ_w², L)", "accuracy", "F1", "IoU", "Spearman", "mean |depth error|"], rows,
            string.Create(CultureInfo.InvariantCulture, $"Cells: every (σ_w², L) with L = {report.Depths.Min()}..{report.Depths.Max()}; a cell is trainable when L ≤ the ground truth's maximum trainable depth. Spearman: rank correlation of predicted and actual maximum depth; depth error in layers, both clipped to the probed depth.") + budget);
    }

    private static ReportTable? TimingsTable(SweepResults results)
    {
        if (results.Timings.Count == 0)
        {
            return null;
        }
        bool truth = results.Timings.Any(t => t.GroundTruthSeconds > 0);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var t in results.Timings)
        {
            var row = new List<string> { Number(t.SigmaB2, "0.#####"), Number(t.SigmaW2, "0.###"), Number(t.ProbeSeconds, "0.0") };
            if (truth)
            {
                row.Add(Number(t.GroundTruthSeconds, "0.0"));
            }
            row.Add(Number(t.Threads, "0"));
            row.Add(t.Machine);
            rows.Add(row);
        }
        var totals = new List<string> { "total", string.Empty, Number(results.Timings.Sum(t => t.ProbeSeconds), "0.0") };
        if (truth)
        {
            totals.Add(Number(results.Timings.Sum(t => t.GroundTruthSeconds), "0.0"));
        }
        totals.Add(string.Empty);
        totals.Add(string.Empty);
        rows.Add(totals);
        var headers = new List<string> { "σ_b²", "σ_w²", "probe (s)" };
        if (truth)
        {
            headers.Add("ground truth (s)");
        }
        headers.Add("threads");
        headers.Add("machine");
        return new ReportTable("Timings", headers, rows, "From timings.csv (host-dependent, not part of the compared results).");
    }

    private static string Number(double? value, string format) => value is { } v
        ? double.IsPositiveInfinity(v) ? "∞" : double.IsNegativeInfinity(v) ? "−∞" : double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture)
        : "–";
}
