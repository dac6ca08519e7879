namespace Entropy.MLNet.Reporting;

/// <summary>The data of one phase-diagram picture: one σ_b², every σ_w² of the grid.</summary>
public sealed record PhaseDiagramPanel
{
    /// <summary>Picture title (e.g. dataset, width and σ_b²).</summary>
    public required string Title { get; init; }

    /// <summary>Bias variance σ_b² of every column.</summary>
    public required double SigmaB2 { get; init; }

    /// <summary>Columns, one per σ_w² (any order; drawn sorted by σ_w²).</summary>
    public required IReadOnlyList<PhaseColumn> Columns { get; init; }

    /// <summary>Mean-field critical σ_w² (order-to-chaos transition) at <see cref="SigmaB2"/>; null to leave it out.</summary>
    public double? CriticalSigmaW2 { get; init; }

    /// <summary>The probe's maximum depth (the y range); 0 takes the longest curve.</summary>
    public int MaxDepth { get; init; }
}
