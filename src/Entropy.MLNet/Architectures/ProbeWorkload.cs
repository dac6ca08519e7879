namespace Entropy.MLNet.Architectures;

/// <summary>What a probe run asks of a network, for its memory estimate.</summary>
/// <param name="BatchSize">Decoder mini-batch size.</param>
/// <param name="TrainCount">Training images the decoders see.</param>
/// <param name="EntropySamples">Test images reconstructed from every layer for the entropy curve.</param>
/// <param name="ReconstructionImages">Of those, how many keep every layer's reconstruction.</param>
/// <param name="ClosedForm">Whether the decoders are fitted in closed form over all training images at once (the MLP's least-squares mode).</param>
internal sealed record ProbeWorkload(int BatchSize, int TrainCount, int EntropySamples, int ReconstructionImages, bool ClosedForm = false);
