namespace Entropy.MLNet.Reporting;

/// <summary>What <see cref="SweepReport.Write(string, int?)"/> wrote.</summary>
/// <param name="Directory">The results directory.</param>
/// <param name="Html">Path of <c>report.html</c>.</param>
/// <param name="Pictures">Paths of the PNGs written next to it.</param>
public sealed record SweepReportFiles(string Directory, string Html, IReadOnlyList<string> Pictures);
