using System.Globalization;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// One row of a ground-truth set's <c>boundaries.csv</c>: the maximum trainable depth of one configuration, written once
/// its depth search is finished (a configuration counts as done only then).
/// </summary>
public sealed record GroundTruthBoundary
{
    /// <summary>The exact header of boundaries.csv.</summary>
    public static IReadOnlyList<string> Header { get; } =
        ["dataset", "width", "activation", "sigmaW2", "sigmaB2", "seed", "steps", "minDepth", "maxDepth", "status", "maxTrainableDepth", "trainings", "monotonic", "seconds"];

    /// <summary>The file name inside a ground-truth directory.</summary>
    public const string FileName = "boundaries.csv";

    /// <summary>Dataset name.</summary>
    public required string Dataset { get; init; }

    /// <summary>Width rule (a list's commas written as ';').</summary>
    public required string Width { get; init; }

    /// <summary>Activation name.</summary>
    public required string Activation { get; init; }

    /// <summary>Weight variance σ_w².</summary>
    public required double SigmaW2 { get; init; }

    /// <summary>Bias variance σ_b².</summary>
    public required double SigmaB2 { get; init; }

    /// <summary>The set's seed.</summary>
    public required int Seed { get; init; }

    /// <summary>The budget in SGD steps.</summary>
    public required int Steps { get; init; }

    /// <summary>The shallowest depth searched.</summary>
    public required int MinDepth { get; init; }

    /// <summary>The deepest depth searched (the cap).</summary>
    public required int MaxDepth { get; init; }

    /// <summary>Found, censored (≥ cap) or none (nothing trains).</summary>
    public required GroundTruthBoundaryStatus Status { get; init; }

    /// <summary>The deepest depth found trainable: = <see cref="MaxDepth"/> when censored (a lower bound), 0 when none.</summary>
    public required int MaxTrainableDepth { get; init; }

    /// <summary>Networks trained by the search.</summary>
    public required int Trainings { get; init; }

    /// <summary>For a scan: whether every scanned depth at or below the deepest trained one also trained; null for bisection (not checked).</summary>
    public bool? Monotonic { get; init; }

    /// <summary>Seconds of all the search's trainings together.</summary>
    public required double Seconds { get; init; }

    /// <summary>The status as written in the CSV: <c>found</c>, <c>censored</c> or <c>none</c>.</summary>
    public static string Format(GroundTruthBoundaryStatus status) => status switch
    {
        GroundTruthBoundaryStatus.Censored => "censored",
        GroundTruthBoundaryStatus.None => "none",
        _ => "found",
    };

    /// <summary>The CSV line (without '\n').</summary>
    public string ToCsv() => string.Join(',',
        Dataset, Width.Replace(',', ';'), Activation, SweepCsv.Format(SigmaW2), SweepCsv.Format(SigmaB2), SweepCsv.Format(Seed),
        SweepCsv.Format(Steps), SweepCsv.Format(MinDepth), SweepCsv.Format(MaxDepth), Format(Status), SweepCsv.Format(MaxTrainableDepth),
        SweepCsv.Format(Trainings), Monotonic is { } m ? (m ? "true" : "false") : string.Empty, SweepCsv.Format(Seconds));

    internal static GroundTruthBoundary Parse(SweepCsv.Table table, SweepCsv.Row row) => new()
    {
        Dataset = row.Fields[0],
        Width = row.Fields[1],
        Activation = row.Fields[2],
        SigmaW2 = SweepCsv.ParseDouble(table, row, 3),
        SigmaB2 = SweepCsv.ParseDouble(table, row, 4),
        Seed = SweepCsv.ParseInt(table, row, 5),
        Steps = SweepCsv.ParseInt(table, row, 6),
        MinDepth = SweepCsv.ParseInt(table, row, 7),
        MaxDepth = SweepCsv.ParseInt(table, row, 8),
        Status = row.Fields[9] switch
        {
            "found" => GroundTruthBoundaryStatus.Found,
            "censored" => GroundTruthBoundaryStatus.Censored,
            "none" => GroundTruthBoundaryStatus.None,
            _ => throw SweepCsv.Bad(table, row, 9, "found, censored or none"),
        },
        MaxTrainableDepth = SweepCsv.ParseInt(table, row, 10),
        Trainings = SweepCsv.ParseInt(table, row, 11),
        Monotonic = row.Fields[12].Length == 0 ? null : SweepCsv.ParseBool(table, row, 12),
        Seconds = SweepCsv.ParseDouble(table, row, 13),
    };

    /// <summary>The boundary as text: <c>37</c>, <c>≥ 100</c> or <c>none</c>.</summary>
    public string Describe() => Status switch
    {
        GroundTruthBoundaryStatus.Censored => string.Create(CultureInfo.InvariantCulture, $"≥ {MaxTrainableDepth}"),
        GroundTruthBoundaryStatus.None => "none",
        _ => MaxTrainableDepth.ToString(CultureInfo.InvariantCulture),
    };
}
