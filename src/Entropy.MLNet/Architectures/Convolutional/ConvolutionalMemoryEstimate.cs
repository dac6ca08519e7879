using System.Globalization;
using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// The memory a CNN/ResNet probe or training needs beyond its data, from the spec alone: the network's parameters,
/// the decoders' with gradients and two Adam moments, and the larger working set of a training batch (a few layer
/// outputs at a time, the widest being the first stem layer, c·H·W per image, with the decoder's intermediate and
/// gradient tensors) or of the evaluation (the entropy sample through one layer and one cascade at a time, plus the kept
/// reconstructions of every layer). Doubles, so absurd sizes give absurd numbers rather than overflowing.
/// </summary>
internal static class ConvolutionalMemoryEstimate
{
    /// <summary>Bytes and a breakdown for messages.</summary>
    public static (double Bytes, string Breakdown) Estimate(ConvolutionalSpec spec, int batch, int entropySamples, int keptImages)
    {
        double k2 = ConvolutionalDefaults.Kernel * ConvolutionalDefaults.Kernel;
        double c = spec.Channels;
        double convolutions = 0;
        for (int l = 1; l <= spec.Layers; l++)
        {
            convolutions += spec.ConvolutionsIn(l);
        }
        double perConvolution = (c * c * k2) + c;
        double network = (((convolutions + 1) * perConvolution) + (spec.Classes * c)) * sizeof(float);
        double decoders = convolutions * perConvolution * 4 * sizeof(float);
        double widest = (double)spec.Channels * spec.Height * spec.Width;
        // A decoder's untrimmed output is slightly larger than its target; 8 maps of the widest size per image covers the
        // layer output, the decoder's two stages, their gradients and the autograd buffers.
        double training = Math.Max(1, batch) * widest * 8 * sizeof(float);
        double image = (double)spec.InputChannels * spec.Height * spec.Width;
        double evaluation = (entropySamples * widest * 8 * sizeof(float)) + (keptImages * (spec.Layers + 1.0) * image * sizeof(float) * 2);
        double work = Math.Max(training, evaluation);
        string breakdown = string.Create(CultureInfo.InvariantCulture,
            $"network {MemoryBudget.Format(network)}, decoders with Adam state {MemoryBudget.Format(decoders)}, working set {MemoryBudget.Format(work)}");
        return (network + decoders + work, breakdown);
    }

    /// <summary>Refuses the configuration when the estimate exceeds the budget (<see cref="MemoryBudget.Check"/>).</summary>
    public static void Check(ConvolutionalSpec spec, int batch, int entropySamples, int keptImages, long? maxBytes)
    {
        var (bytes, breakdown) = Estimate(spec, batch, entropySamples, keptImages);
        string what = string.Create(CultureInfo.InvariantCulture,
            $"A {spec.ArchitectureName} of depth {spec.Depth} ({spec.Layers} layers) with {spec.Channels} channels at batch size {batch}");
        MemoryBudget.Check(bytes, maxBytes, what, breakdown);
    }
}
