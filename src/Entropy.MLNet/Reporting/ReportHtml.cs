using System.Text;

namespace Entropy.MLNet.Reporting;

/// <summary>
/// Writes a <see cref="ReportDocument"/> as one self-contained HTML file: inline CSS, pictures as
/// <c>data:image/png;base64</c> URIs, no scripts and no external resources. Every string is HTML-encoded.
/// </summary>
public static class ReportHtml
{
    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.45; }
        h1 { font-size: 1.6rem; margin-bottom: 0.3rem; }
        h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
        p.summary { color: #444; }
        figure { margin: 1.2rem 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
        div.scroll { overflow-x: auto; }
        div.scroll img { max-width: none; }
        figcaption { font-size: 0.9rem; color: #555; margin-top: 0.3rem; }
        table { border-collapse: collapse; font-size: 0.88rem; margin: 0.5rem 0; }
        th, td { border: 1px solid #d8d8d8; padding: 0.25rem 0.55rem; text-align: right; }
        th { background: #f3f3f3; }
        td:first-child, th:first-child { text-align: left; }
        table.settings td { text-align: left; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        .note { font-size: 0.88rem; color: #555; }
        footer { margin-top: 2.5rem; font-size: 0.8rem; color: #777; }
        """;

    /// <summary>Renders the page.</summary>
    /// <param name="document">The content.</param>
    /// <returns>The HTML text.</returns>
    public static string Render(ReportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\">");
        html.AppendLine("<head>");
        html.AppendLine("<meta charset=\"utf-8\">");
        html.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>").Append(Encode(document.Title)).AppendLine("</title>");
        html.Append("<style>").Append(Style).AppendLine("</style>");
        html.AppendLine("</head>");
        html.AppendLine("<body>");
        html.Append("<h1>").Append(Encode(document.Title)).AppendLine("</h1>");
        if (!string.IsNullOrWhiteSpace(document.Summary))
        {
            html.Append("<p class=\"summary\">").Append(Encode(document.Summary)).AppendLine("</p>");
        }
        if (document.Settings.Count > 0)
        {
            html.AppendLine("<h2>Settings</h2>");
            html.AppendLine("<table class=\"settings\">");
            foreach (var (name, value) in document.Settings)
            {
                html.Append("<tr><th>").Append(Encode(name)).Append("</th><td>").Append(Encode(value)).AppendLine("</td></tr>");
            }
            html.AppendLine("</table>");
        }
        if (document.Images.Count > 0)
        {
            html.AppendLine("<h2>Pictures</h2>");
            foreach (var image in document.Images)
            {
                html.Append(image.NaturalSize ? "<figure><div class=\"scroll\">" : "<figure>")
                    .Append("<img alt=\"").Append(Encode(image.Caption)).Append("\" src=\"data:image/png;base64,")
                    .Append(Convert.ToBase64String(image.Png)).Append(image.NaturalSize ? "\"></div>" : "\">")
                    .Append("<figcaption>").Append(Encode(image.Caption))
                    .Append(" <span class=\"note\">(").Append(Encode(image.FileName)).AppendLine(")</span></figcaption></figure>");
            }
        }
        foreach (var table in document.Tables)
        {
            AppendTable(html, table);
        }
        if (!string.IsNullOrWhiteSpace(document.Footer))
        {
            html.Append("<footer>").Append(Encode(document.Footer)).AppendLine("</footer>");
        }
        html.AppendLine("</body>");
        html.AppendLine("</html>");
        return html.ToString();
    }

    /// <summary>Renders the page into a file (UTF-8, created or replaced atomically).</summary>
    /// <param name="document">The content.</param>
    /// <param name="path">Destination file.</param>
    public static void Write(ReportDocument document, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Sweep.DurableFile.Replace(path, Render(document));
    }

    private static void AppendTable(StringBuilder html, ReportTable table)
    {
        html.Append("<h2>").Append(Encode(table.Title)).AppendLine("</h2>");
        html.AppendLine("<table>");
        html.Append("<tr>");
        foreach (string header in table.Headers)
        {
            html.Append("<th>").Append(Encode(header)).Append("</th>");
        }
        html.AppendLine("</tr>");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            foreach (string cell in row)
            {
                html.Append("<td>").Append(Encode(cell)).Append("</td>");
            }
            html.AppendLine("</tr>");
        }
        html.AppendLine("</table>");
        if (!string.IsNullOrWhiteSpace(table.Note))
        {
            html.Append("<p class=\"note\">").Append(Encode(table.Note)).AppendLine("</p>");
        }
    }

    /// <summary>
    /// Escapes the five characters that are markup in text and in quoted attributes (&amp; &lt; &gt; " '); the page is
    /// UTF-8, so σ, ², ξ and the like stay readable in the source.
    /// </summary>
    internal static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var encoded = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&':
                    encoded.Append("&amp;");
                    break;
                case '<':
                    encoded.Append("&lt;");
                    break;
                case '>':
                    encoded.Append("&gt;");
                    break;
                case '"':
                    encoded.Append("&quot;");
                    break;
                case '\'':
                    encoded.Append("&#39;");
                    break;
                default:
                    encoded.Append(c);
                    break;
            }
        }
        return encoded.ToString();
    }
}
