using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Entropy.MLNet.Cli.Infrastructure;

/// <summary>Writes a command's result as text or as one JSON document (camelCase) on stdout.</summary>
internal sealed class CliOutput(TextWriter stdout, TextWriter stderr, bool json)
{
    /// <summary>
    /// The <c>schemaVersion</c> field, first in every JSON document. It changes when a field is renamed, removed or
    /// changes meaning (new fields do not change it); the README's table lists the fields of each version.
    /// </summary>
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public bool Json { get; } = json;

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>Writes <paramref name="result"/> as JSON in json mode, otherwise calls <paramref name="text"/>.</summary>
    public void Write<T>(T result, Action<TextWriter> text)
    {
        if (Json)
        {
            Out.WriteLine(ToJson(result));
        }
        else
        {
            text(Out);
        }
    }

    /// <summary>A progress or status line for people: on stderr, so that stdout stays machine-readable.</summary>
    public void Status(string line) => Error.WriteLine(line);

    /// <summary>One JSON object: <c>schemaVersion</c>, then the properties of <paramref name="result"/>.</summary>
    internal static string ToJson<T>(T result)
    {
        // Copying the serialized properties keeps their text as written ("Infinity" stays a named literal).
        using JsonDocument body = JsonSerializer.SerializeToDocument(result, JsonOptions);
        if (body.RootElement.ValueKind != JsonValueKind.Object || body.RootElement.TryGetProperty("schemaVersion", out _))
        {
            throw new InvalidOperationException($"A command's JSON result must be an object without its own schemaVersion; {typeof(T).Name} is not.");
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", SchemaVersion);
            foreach (JsonProperty property in body.RootElement.EnumerateObject())
            {
                property.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
