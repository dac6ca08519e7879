using System.Globalization;
using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.Probe;

/// <summary>
/// The memory a probe needs beyond its data, estimated from its layer sizes before anything is built: the network's
/// weights and biases, the decoders' parameters with their gradients and two Adam moments, and the larger of the
/// training working set (a chunk's layer outputs, decoder outputs and gradients, and its input buffer; see
/// <see cref="CascadeTrainer"/>) and the evaluation's (the entropy sample's layer outputs and reconstructions from
/// every layer). Computed in doubles, so that absurd sizes give absurd numbers rather than overflowing.
/// </summary>
internal static class ProbeMemoryEstimate
{
    /// <summary>The estimate in bytes and a short breakdown for messages.</summary>
    public static (double Bytes, string Breakdown) Estimate(IReadOnlyList<int> sizes, int trainCount, ProbeOptions options)
    {
        double network = 0, decoders = 0, values = 0;
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            network += ((double)sizes[i] * sizes[i + 1]) + sizes[i + 1];
            decoders += ((double)sizes[i + 1] * sizes[i]) + sizes[i];
        }
        foreach (int n in sizes)
        {
            values += n;
        }
        network *= sizeof(float);
        decoders *= 4 * sizeof(float);
        double batch = Math.Max(1, Math.Min(options.BatchSize, trainCount));
        double chunkBatches = Math.Max(1, Math.Floor(Math.Min(CascadeTrainer.ChunkRows / batch, CascadeTrainer.ChunkBytes / (sizeof(float) * values * batch))));
        double rows = chunkBatches * batch;
        double training = rows * sizeof(float) * ((3 * values) + sizes[0]);
        int layers = sizes.Count - 1;
        double evaluation = (options.EntropySamples * (double)sizeof(float) * ((2 * values) + (2.0 * layers * sizes[0])))
            + (options.ReconstructionImages * (layers + 1.0) * sizes[0] * sizeof(float) * 2);
        double work = Math.Max(training, evaluation);
        string breakdown = string.Create(CultureInfo.InvariantCulture,
            $"network {MemoryBudget.Format(network)}, decoders with Adam state {MemoryBudget.Format(decoders)}, working set {MemoryBudget.Format(work)}");
        return (network + decoders + work, breakdown);
    }

    /// <summary>Refuses the configuration when the estimate exceeds the options' budget (<see cref="MemoryBudget.Check"/>).</summary>
    public static void Check(IReadOnlyList<int> sizes, int trainCount, ProbeOptions options)
    {
        var (bytes, breakdown) = Estimate(sizes, trainCount, options);
        string what = string.Create(CultureInfo.InvariantCulture,
            $"A probe of depth {options.Depth}, width {options.Width} ({sizes.Count} layer sizes up to {sizes.Max()}) at batch size {options.BatchSize}");
        MemoryBudget.Check(bytes, options.MaxMemoryBytes, what, breakdown);
    }
}
