using System.Globalization;
using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Mlp;
using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.Probe;

/// <summary>
/// The memory a probe needs beyond its data, estimated before anything is built by its architecture
/// (<see cref="Architecture.EstimateMemory"/>), and the refusal of a configuration over the budget.
/// </summary>
internal static class ProbeMemoryEstimate
{
    /// <summary>The MLP's estimate in bytes and a short breakdown for messages, from its layer sizes.</summary>
    public static (double Bytes, string Breakdown) Estimate(IReadOnlyList<int> sizes, int trainCount, ProbeOptions options) =>
        MlpArchitecture.EstimateMemory(sizes, options.ToWorkload(trainCount));

    /// <summary>Refuses the configuration when the estimate exceeds the options' budget (<see cref="MemoryBudget.Check"/>).</summary>
    public static void Check(Architecture architecture, NetworkLayout layout, int trainCount, ProbeOptions options)
    {
        var (bytes, breakdown) = architecture.EstimateMemory(layout, options.ToWorkload(trainCount));
        string what = options.Channels is { } channels
            ? string.Create(CultureInfo.InvariantCulture,
                $"A {architecture.Name} probe of depth {options.Depth}, {channels} channels ({layout.LayerSizes.Count} layers of up to {layout.LayerSizes.Max()} values) at batch size {options.BatchSize}")
            : string.Create(CultureInfo.InvariantCulture,
                $"A probe of depth {options.Depth}, width {options.Width} ({layout.LayerSizes.Count} layer sizes up to {layout.LayerSizes.Max()}) at batch size {options.BatchSize}");
        MemoryBudget.Check(bytes, options.MaxMemoryBytes, what, breakdown);
    }
}
