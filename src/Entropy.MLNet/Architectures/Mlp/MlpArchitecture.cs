using System.Globalization;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Runtime;
using static TorchSharp.torch;

// The checks name the offending option (not a method parameter), so that callers and the CLI can say which one.
#pragma warning disable CA2208

namespace Entropy.MLNet.Architectures.Mlp;

/// <summary>
/// The fully connected family (the authors' MLP): <see cref="DeepNetwork"/> with its <see cref="Cascade"/> of
/// Linear decoders, trained by the tuned CPU engine <see cref="CascadeTrainer"/>.
/// </summary>
internal sealed class MlpArchitecture : Architecture
{
    /// <inheritdoc/>
    public override string Name => ArchitectureCatalog.MlpName;

    /// <inheritdoc/>
    public override ProbeDefaults Defaults => ProbeDefaults.Mlp;

    /// <inheritdoc/>
    public override NetworkLayout Layout(NetworkDescription network, ImageShape input, int classes, string dataset)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Channels is not null)
        {
            throw new ArgumentException($"Channels applies to convolutional architectures, not '{Name}'; got {network.Channels}.", "Channels");
        }
        int[] sizes = NetworkOptionsValidation.ValidateNetwork(network.SigmaW2, network.SigmaB2, network.Depth, network.Width, network.Activation,
            input.Size, classes, dataset);
        return FromSizes(input, sizes, Cascade.DefaultTanhOutputs(sizes, network.Activation));
    }

    /// <inheritdoc/>
    public override NetworkLayout SavedLayout(NetworkDescription network, ImageShape input, IReadOnlyList<int> layerSizes, IReadOnlyList<bool> decoderTanhOutputs)
    {
        if (layerSizes.Count < 3 || layerSizes[0] != input.Size || decoderTanhOutputs.Count != layerSizes.Count - 1)
        {
            throw new InvalidDataException($"The saved MLP's {layerSizes.Count} layer sizes and {decoderTanhOutputs.Count} decoder flags do not fit its input of {input.Size} values.");
        }
        return FromSizes(input, layerSizes, decoderTanhOutputs);
    }

    /// <inheritdoc/>
    public override long? ParameterBytes(NetworkDescription network, ImageShape input, IReadOnlyList<int> layerSizes) => ParameterBytes(layerSizes);

    /// <summary>Bytes of float32 parameters of a network with <paramref name="sizes"/> and its decoders; null when that overflows a long.</summary>
    internal static long? ParameterBytes(IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        try
        {
            // A weight and a bias per layer each way: the network's and its decoder's.
            long values = 0;
            for (int i = 0; i + 1 < sizes.Count; i++)
            {
                values = checked(values + (2L * sizes[i] * sizes[i + 1]) + sizes[i] + sizes[i + 1]);
            }
            return checked(values * sizeof(float));
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The training working set is a chunk's layer outputs, decoder outputs and gradients, and its input buffer (see
    /// <see cref="CascadeTrainer"/>); the evaluation's is the entropy sample's layer outputs and reconstructions from every layer.
    /// </remarks>
    public override (double Bytes, string Breakdown) EstimateMemory(NetworkLayout layout, ProbeWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(workload);
        return EstimateMemory(layout.LayerSizes, workload);
    }

    /// <summary><see cref="EstimateMemory(NetworkLayout, ProbeWorkload)"/> from the layer sizes alone.</summary>
    internal static (double Bytes, string Breakdown) EstimateMemory(IReadOnlyList<int> sizes, ProbeWorkload workload)
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
        // Trained decoders carry a gradient and two Adam moments beside their weights; closed-form ones only the weights.
        decoders *= (workload.ClosedForm ? 1 : 4) * sizeof(float);
        double batch = Math.Max(1, Math.Min(workload.BatchSize, workload.TrainCount));
        double chunkBatches = Math.Max(1, Math.Floor(Math.Min(DecoderTrainer.ChunkRows / batch, DecoderTrainer.ChunkBytes / (sizeof(float) * values * batch))));
        double rows = chunkBatches * batch;
        // Least squares holds the training images and a few [N, n] matrices of one layer at a time, plus float64 Gram matrices.
        double widest = sizes.Max();
        double training = workload.ClosedForm
            ? (workload.TrainCount * (double)sizeof(float) * (sizes[0] + (5 * widest))) + (4 * widest * widest * sizeof(double))
            : rows * sizeof(float) * ((3 * values) + sizes[0]);
        int layers = sizes.Count - 1;
        double evaluation = (workload.EntropySamples * (double)sizeof(float) * ((2 * values) + (2.0 * layers * sizes[0])))
            + (workload.ReconstructionImages * (layers + 1.0) * sizes[0] * sizeof(float) * 2);
        double work = Math.Max(training, evaluation);
        string breakdown = string.Create(CultureInfo.InvariantCulture,
            $"network {MemoryBudget.Format(network)}, decoders{(workload.ClosedForm ? string.Empty : " with Adam state")} {MemoryBudget.Format(decoders)}, working set {MemoryBudget.Format(work)}");
        return (network + decoders + work, breakdown);
    }

    /// <inheritdoc/>
    public override ProbeNetwork Create(NetworkDescription network, NetworkLayout layout, int seed, Device device)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(device);
        int[] sizes = [.. layout.LayerSizes];
        // The weights depend only on the sizes and the seed, so the explicit sizes build the same network as the width rule.
        var spec = new NetworkSpec
        {
            InputSize = sizes[0],
            Classes = sizes[^1],
            Depth = sizes.Length - 1,
            Width = NetworkWidth.Explicit(sizes),
            Activation = network.Activation,
            SigmaW2 = network.SigmaW2,
            SigmaB2 = network.SigmaB2,
            Seed = seed,
        };
        DeepNetwork deep = DeepNetwork.Create(spec, device);
        try
        {
            var cascade = new Cascade(sizes, layout.DecoderTanhOutputs, seed, device);
            return new MlpProbeNetwork(this, network, layout, deep, cascade, device);
        }
        catch
        {
            deep.Dispose();
            throw;
        }
    }

    /// <summary>The layout of a fully connected network with <paramref name="sizes"/> n0..nL.</summary>
    internal static NetworkLayout FromSizes(ImageShape input, IReadOnlyList<int> sizes, IReadOnlyList<bool> decoderTanhOutputs) =>
        new(input, sizes[^1], [.. sizes.Select(n => new[] { n })], decoderTanhOutputs);

    /// <summary>The layout of an existing network and cascade (the input seen as one channel of n0 values).</summary>
    /// <exception cref="ArgumentException">The cascade's layer sizes differ from the network's.</exception>
    internal static NetworkLayout LayoutOf(DeepNetwork network, Cascade cascade)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(cascade);
        if (!network.LayerSizes.SequenceEqual(cascade.LayerSizes))
        {
            throw new ArgumentException("The cascade's layer sizes differ from the network's.", nameof(cascade));
        }
        return FromSizes(new ImageShape(1, 1, network.LayerSizes[0]), network.LayerSizes, cascade.TanhOutputs);
    }
}
