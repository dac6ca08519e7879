namespace Entropy.MLNet.Training;

/// <summary>
/// The default epoch budget, accuracy threshold and SGD learning rate of ground-truth training for a dataset, with
/// the reason. The CLI (<c>entropy train</c>, <c>entropy sweep --ground-truth</c>) applies them unless overridden.
/// </summary>
/// <param name="Epochs">Epoch budget.</param>
/// <param name="Threshold">Test accuracy that counts as trained.</param>
/// <param name="LearningRate">SGD learning rate matched to the budget.</param>
/// <param name="Rationale">Why these values.</param>
public sealed record GroundTruthDefaults(int Epochs, double Threshold, double LearningRate, string Rationale)
{
    /// <summary>
    /// The defaults for <paramref name="dataset"/>. The authors trained with SGD lr 1e-3, batch 64 for ≤ 200 epochs on
    /// CIFAR-10 gray with threshold 0.40 (and, earlier, MNIST for 1 full epoch with threshold 0.8). Those budgets take hours
    /// per network on a CPU; with a budget of a few hundred steps SGD at lr 1e-3 does not move a tanh MLP off chance
    /// (measured on the embedded MNIST subset: 0.105 test accuracy after 2 epochs at depth 3, width 64). The defaults
    /// keep the authors' optimizer, batch and shuffling, shorten the budget and raise the learning rate to 0.01 so that a
    /// shallow network passes the threshold in one epoch (measured: 0.615 at depth 3) while a network that loses the
    /// input stays near chance (0.1 for every 10-class set). Reproduce the authors with
    /// <c>--learning-rate 0.001 --epochs 200 --threshold 0.4 --double-softmax</c> on cifar10-gray.
    /// </summary>
    public static GroundTruthDefaults For(string dataset) => (dataset ?? string.Empty).Trim().ToLowerInvariant() switch
    {
        "mnist" => new(2, 0.5, 0.01,
            "MNIST: threshold 0.5 (5x chance) within 2 epochs of SGD lr 0.01, batch 64, logits head; a depth-3 tanh MLP reaches 0.6 after one epoch on the embedded 5,000 images, a net that loses the input stays near 0.1. The authors' lr 1e-3 needs ~10x more steps."),
        "fashion-mnist" => new(2, 0.5, 0.01,
            "Fashion-MNIST: as MNIST (shallow MLPs reach 0.6-0.7 quickly; chance 0.1)."),
        "cifar10" or "cifar10-gray" => new(10, 0.25, 0.01,
            "CIFAR-10: the authors' 200 epochs / 0.40 at lr 1e-3 (gray) is a GPU budget; 10 epochs / 0.25 (2.5x chance) at lr 0.01 is a CPU-sized stand-in (not validated here) - use --learning-rate 0.001 --epochs 200 --threshold 0.4 to reproduce the authors."),
        _ => new(2, 0.5, 0.01, "Default for 10-class image sets: 2 epochs, threshold 0.5 (5x chance), SGD lr 0.01."),
    };
}
