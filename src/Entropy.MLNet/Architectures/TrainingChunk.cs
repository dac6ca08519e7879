namespace Entropy.MLNet.Architectures;

/// <summary>Where a <see cref="DecoderTrainer"/> stands after a chunk of mini-batches.</summary>
/// <param name="BatchesDone">Mini-batches trained so far, over all epochs.</param>
/// <param name="BatchesTotal">Mini-batches of the whole training.</param>
/// <param name="ImagesPerSecond">Throughput so far.</param>
/// <param name="Epoch">The current epoch (1-based).</param>
/// <param name="ImagesSeen">Images trained on so far, over all epochs.</param>
/// <param name="DecoderLosses">The chunk's mean layer-local loss per decoder (<see cref="DecoderTrainer.ChunkLosses"/>); null before the first chunk or when not measured.</param>
internal readonly record struct TrainingChunk(int BatchesDone, int BatchesTotal, double ImagesPerSecond, int Epoch, long ImagesSeen, IReadOnlyList<double>? DecoderLosses);
