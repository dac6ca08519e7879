using System.Globalization;
using Entropy.MLNet.Runtime;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>
/// The memory a CNN/ResNet probe or training needs beyond its data, from the spec alone: the network's parameters,
/// the decoders' with gradients and two Adam moments, and the larger working set of training (a mini-batch through
/// two layers at a time, the widest being the first stem layer, c·H·W per image, with a decoder's untrimmed output,
/// its gradients and autograd buffers) or of the evaluation (the entropy sample's outputs of every layer, its
/// reconstructions from every layer, and the kept pictures). Doubles, so absurd sizes give absurd numbers rather than
/// overflowing.
/// </summary>
internal static class ConvolutionalMemoryEstimate
{
    /// <summary>Maps of the widest layer per training image: two layer outputs, a decoder's stages and their gradients.</summary>
    private const double TrainingMaps = 8;

    /// <summary>Parameter values of the network (with its head) and of the decoders.</summary>
    public static (double Network, double Decoders) ParameterCounts(ConvolutionalSpec spec)
    {
        double k2 = ConvolutionalDefaults.Kernel * ConvolutionalDefaults.Kernel;
        double c = spec.Channels;
        double network = 0, decoders = 0;
        for (int l = 1; l <= spec.Layers; l++)
        {
            double cIn = spec.LayerShape(l - 1).C;
            double cOut = spec.LayerShape(l - 1).C;
            // Layer ℓ's first convolution reads C_in channels; a ResNet block's second reads c. Decoders mirror them.
            network += (cIn * c * k2) + c;
            decoders += (c * cOut * k2) + cOut;
            if (spec.ConvolutionsIn(l) == 2)
            {
                network += (c * c * k2) + c;
                decoders += (c * c * k2) + c;
            }
        }
        network += (c * c * k2) + c + (spec.Classes * c);
        // The head decoder: Linear(classes → c·H_L·W_L).
        double last = spec.LayerSize(spec.Layers);
        decoders += (spec.Classes * last) + last;
        return (network, decoders);
    }

    /// <summary>Bytes and a breakdown for messages.</summary>
    public static (double Bytes, string Breakdown) Estimate(ConvolutionalSpec spec, ProbeWorkload workload)
    {
        var (networkValues, decoderValues) = ParameterCounts(spec);
        double network = networkValues * sizeof(float);
        double decoders = decoderValues * 4 * sizeof(float);
        double widest = (double)spec.Channels * spec.Height * spec.Width;
        double batch = Math.Max(1, Math.Min(workload.BatchSize, workload.TrainCount));
        // The seam's trainer stacks up to 4,096 rows of images per chunk.
        double image = (double)spec.InputChannels * spec.Height * spec.Width;
        double training = ((batch * widest * TrainingMaps) + (DecoderTrainer.ChunkRows * image)) * sizeof(float);
        double layers = 0;
        for (int l = 0; l <= spec.Layers; l++)
        {
            layers += spec.LayerSize(l);
        }
        double evaluation = ((workload.EntropySamples * (layers + (spec.Layers * image) + (widest * TrainingMaps)))
            + (workload.ReconstructionImages * (spec.Layers + 1.0) * image * 2)) * sizeof(float);
        double work = Math.Max(training, evaluation);
        string breakdown = string.Create(CultureInfo.InvariantCulture,
            $"network {MemoryBudget.Format(network)}, decoders with Adam state {MemoryBudget.Format(decoders)}, working set {MemoryBudget.Format(work)}");
        return (network + decoders + work, breakdown);
    }

    /// <summary>Refuses the configuration when the estimate exceeds the budget (<see cref="MemoryBudget.Check"/>).</summary>
    public static void Check(ConvolutionalSpec spec, ProbeWorkload workload, long? maxBytes)
    {
        var (bytes, breakdown) = Estimate(spec, workload);
        string what = string.Create(CultureInfo.InvariantCulture,
            $"A {spec.ArchitectureName} of depth {spec.Depth} ({spec.Layers} layers) with {spec.Channels} channels at batch size {workload.BatchSize}");
        MemoryBudget.Check(bytes, maxBytes, what, breakdown);
    }
}
