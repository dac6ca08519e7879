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
}
