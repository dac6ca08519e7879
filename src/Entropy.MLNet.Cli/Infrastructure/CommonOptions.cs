using System.CommandLine;

namespace Entropy.MLNet.Cli.Infrastructure;

/// <summary>Options shared by several commands, created fresh per command (System.CommandLine options belong to one parent).</summary>
internal static class CommonOptions
{
    public static Option<string> Format() => new Option<string>("--format")
    {
        Description = "Output format: text for people, json for one JSON document on stdout (camelCase fields).",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong("text", "json");

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "Directory holding the datasets (mnist/, fashion-mnist/, cifar10/). Default: $ENTROPY_MLNET_DATA, else the per-user cache, else the MNIST subset embedded in the library.",
    };

    public static Option<string> Device() => new Option<string>("--device")
    {
        Description = "Compute device: auto (CUDA when available), cpu or cuda.",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong("auto", "cpu", "cuda");

    public static Option<int> Seed() => new("--seed")
    {
        Description = "Random seed for initialisation, shuffling and sampling.",
        DefaultValueFactory = _ => 42,
    };

    public static Option<string?> MaxMemory() => new("--max-memory")
    {
        Description = "Memory budget, e.g. 512M or 8G: a configuration whose estimated memory exceeds it is refused before anything is built. Default: the lower of the available memory and the cgroup limit.",
    };

    /// <summary>The budget in bytes, or null for the default; a malformed size is an error naming the option.</summary>
    public static long? ParseMaxMemory(string? text)
    {
        if (text is null)
        {
            return null;
        }
        try
        {
            return Runtime.MemoryBudget.ParseSize(text);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"--max-memory: {ex.Message}", ex);
        }
    }
}
