namespace Entropy.MLNet.Reporting;

/// <summary>A picture of a report: a caption and its PNG bytes (embedded in the HTML as a data URI).</summary>
/// <param name="Caption">Caption shown under the picture.</param>
/// <param name="FileName">The PNG's file name next to report.html (shown as a link-free note).</param>
/// <param name="Png">The PNG bytes.</param>
/// <param name="NaturalSize">Show at its own pixel size in a horizontally scrolling box (for wide grids) instead of fitting the page width.</param>
public sealed record ReportImage(string Caption, string FileName, byte[] Png, bool NaturalSize = false);

/// <summary>A table of a report: headers and rows of already formatted cells.</summary>
/// <param name="Title">Section title.</param>
/// <param name="Headers">Column headers.</param>
/// <param name="Rows">Rows, each with as many cells as <paramref name="Headers"/>.</param>
/// <param name="Note">Optional explanation under the table.</param>
public sealed record ReportTable(string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, string? Note = null);

/// <summary>The content of a report page: plain strings only (<see cref="ReportHtml"/> encodes every one of them).</summary>
public sealed record ReportDocument
{
    /// <summary>Page title.</summary>
    public required string Title { get; init; }

    /// <summary>One-paragraph summary under the title.</summary>
    public string? Summary { get; init; }

    /// <summary>Settings as (name, value) pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; init; } = [];

    /// <summary>Pictures, in order.</summary>
    public IReadOnlyList<ReportImage> Images { get; init; } = [];

    /// <summary>Tables, in order, after the pictures.</summary>
    public IReadOnlyList<ReportTable> Tables { get; init; } = [];

    /// <summary>Small print at the bottom (e.g. how the page was made).</summary>
    public string? Footer { get; init; }
}
