using System.Globalization;
using System.Text;

namespace Entropy.MLNet.Sweep;

/// <summary>
/// The CSV dialect of a results directory: comma-separated, no quoting (no field holds a comma), '\n' line ends,
/// numbers in the invariant culture with round-trip formatting ("R"), empty field = missing value, ±∞ as
/// <c>Infinity</c>/<c>-Infinity</c>.
/// </summary>
internal static class SweepCsv
{
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(double? value) => value is { } v ? Format(v) : string.Empty;

    public static string Format(int? value) => value is { } v ? Format(v) : string.Empty;

    /// <summary>A table read from a file: the complete lines after the header, each with its 1-based line number.</summary>
    public sealed record Table(string Path, string[] Header, IReadOnlyList<Row> Rows, bool TruncatedTail, long CompleteLength);

    /// <summary>One complete line: its text (without '\n'), fields and 1-based line number.</summary>
    public sealed record Row(int LineNumber, string Text, string[] Fields);

    /// <summary>
    /// Reads <paramref name="path"/> as a table whose header starts with <paramref name="expectedHeader"/> (extra columns
    /// at the end are allowed). A last line without '\n' (a write cut short by a crash) is reported in
    /// <see cref="Table.TruncatedTail"/> and left out. A missing or empty file reads as no rows.
    /// </summary>
    /// <exception cref="InvalidDataException">Larger than <paramref name="maxBytes"/> (refused before reading), another header, or a row with fewer fields than the header.</exception>
    public static Table Read(string path, IReadOnlyList<string> expectedHeader, long maxBytes)
    {
        if (!File.Exists(path))
        {
            return new Table(path, [.. expectedHeader], [], false, 0);
        }
        long length = new FileInfo(path).Length;
        if (length > maxBytes)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {length} bytes, more than the {maxBytes} bytes this sweep's rows can fill; it does not belong to this sweep (or was damaged)."));
        }
        byte[] bytes = File.ReadAllBytes(path);
        int lastNewline = Array.LastIndexOf(bytes, (byte)'\n');
        long complete = lastNewline + 1;
        bool truncated = complete < bytes.Length;
        string text = Encoding.UTF8.GetString(bytes, 0, (int)complete);
        string[] lines = text.Length == 0 ? [] : text[..^1].Split('\n');
        if (lines.Length == 0)
        {
            return new Table(path, [.. expectedHeader], [], truncated, 0);
        }
        string[] header = lines[0].Split(',');
        if (header.Length < expectedHeader.Count || !header.Take(expectedHeader.Count).SequenceEqual(expectedHeader))
        {
            throw new InvalidDataException($"{path}: line 1: header '{Shorten(lines[0])}' is not '{string.Join(',', expectedHeader)}'.");
        }
        var rows = new List<Row>(lines.Length - 1);
        for (int i = 1; i < lines.Length; i++)
        {
            string[] fields = lines[i].Split(',');
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"{path}: line {i + 1}: {fields.Length} fields where the header has {header.Length}: '{Shorten(lines[i])}'.");
            }
            rows.Add(new Row(i + 1, lines[i], fields));
        }
        return new Table(path, header, rows, truncated, complete);
    }

    public static double ParseDouble(Table table, Row row, int column)
    {
        string field = row.Fields[column];
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw Bad(table, row, column, "a number");
        }
        return value;
    }

    public static double? ParseNullableDouble(Table table, Row row, int column)
        => row.Fields[column].Length == 0 ? null : ParseDouble(table, row, column);

    public static float ParseFloat(Table table, Row row, int column)
    {
        string field = row.Fields[column];
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            throw Bad(table, row, column, "a number");
        }
        return value;
    }

    public static int ParseInt(Table table, Row row, int column)
    {
        string field = row.Fields[column];
        if (!int.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            throw Bad(table, row, column, "an integer");
        }
        return value;
    }

    public static int? ParseNullableInt(Table table, Row row, int column)
        => row.Fields[column].Length == 0 ? null : ParseInt(table, row, column);

    public static bool ParseBool(Table table, Row row, int column) => row.Fields[column] switch
    {
        "true" => true,
        "false" => false,
        _ => throw Bad(table, row, column, "true or false"),
    };

    public static InvalidDataException Bad(Table table, Row row, int column, string expected)
        => new($"{table.Path}: line {row.LineNumber}: column '{table.Header[column]}' is '{Shorten(row.Fields[column])}', not {expected}.");

    public static string Shorten(string text) => text.Length > 80 ? text[..77] + "..." : text;
}
