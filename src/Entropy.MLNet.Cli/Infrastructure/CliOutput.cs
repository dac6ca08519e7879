using System.Text.Json;
using System.Text.Json.Serialization;

namespace Entropy.MLNet.Cli.Infrastructure;

/// <summary>Writes a command's result as text or as one JSON document (camelCase) on stdout.</summary>
internal sealed class CliOutput(TextWriter stdout, TextWriter stderr, bool json)
{
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
            Out.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
        }
        else
        {
            text(Out);
        }
    }

    /// <summary>A progress or status line for people: on stderr, so that stdout stays machine-readable.</summary>
    public void Status(string line) => Error.WriteLine(line);
}
