namespace Entropy.MLNet.Architectures;

/// <summary>
/// The FLOP model the probe reports its work in (2 FLOP per multiply-add; tanh, losses and Adam not counted), the same
/// as the benchmark's: per image and layer ℓ, the frozen network's forward 2·n_ℓ−1·n_ℓ, and per decoder step its forward
/// and weight gradient 4·n_ℓ−1·n_ℓ; the evaluation reconstructs each entropy sample from every measured layer through
/// the whole chain below it (O(L²) decoder applications) after one forward pass and one decoder pass for the test MSEs.
/// </summary>
internal static class ProbeWork
{
    /// <summary>The model's description, printed with the numbers.</summary>
    public const string Model = "2 FLOP per multiply-add: network forward 2·n_{l-1}·n_l and decoder step 4·n_{l-1}·n_l per image and layer; evaluation: forward, test MSE and O(L^2) reconstruction of the entropy samples; tanh, losses and Adam not counted";

    /// <summary>Multiply-adds of layer ℓ (1-based): n_ℓ−1·n_ℓ.</summary>
    public static double LayerProduct(IReadOnlyList<int> sizes, int layer) => (double)sizes[layer - 1] * sizes[layer];

    /// <summary>FLOP of the frozen network's forward pass through layers 1..<paramref name="last"/> for <paramref name="images"/> images.</summary>
    public static double Forward(IReadOnlyList<int> sizes, int last, double images)
    {
        double sum = 0;
        for (int l = 1; l <= last; l++)
        {
            sum += LayerProduct(sizes, l);
        }
        return 2 * sum * images;
    }

    /// <summary>FLOP of one step of decoder ℓ on <paramref name="images"/> images.</summary>
    public static double DecoderStep(IReadOnlyList<int> sizes, int layer, double images) => 4 * LayerProduct(sizes, layer) * images;

    /// <summary>
    /// FLOP of fitting decoders 1..<paramref name="last"/> in closed form on <paramref name="images"/> images: per layer the
    /// forward 2·n_ℓ−1·n_ℓ, the Gram matrix 2·n_ℓ² and the cross products 2·n_ℓ·n_ℓ−1 per image, and the solve
    /// (about n_ℓ³ + 2·n_ℓ²·n_ℓ−1).
    /// </summary>
    public static double LeastSquares(IReadOnlyList<int> sizes, int last, double images)
    {
        double sum = 0;
        for (int l = 1; l <= last; l++)
        {
            double nIn = sizes[l];
            double nOut = sizes[l - 1];
            sum += (2 * ((nOut * nIn) + (nIn * nIn) + (nIn * nOut)) * images) + (nIn * nIn * nIn) + (2 * nIn * nIn * nOut);
        }
        return sum;
    }

    /// <summary>FLOP of evaluating a probe whose decoders 1..<paramref name="measured"/> are trained, on <paramref name="samples"/> images.</summary>
    public static double Evaluation(IReadOnlyList<int> sizes, int measured, int samples)
    {
        int depth = sizes.Count - 1;
        double chain = 0;
        double below = 0;
        for (int l = 1; l <= measured; l++)
        {
            below += LayerProduct(sizes, l);
            chain += below;
        }
        // Forward through every layer, the test MSE of every measured decoder, and the chains.
        return Forward(sizes, depth, samples) + (2 * below * samples) + (2 * chain * samples);
    }

    /// <summary>FLOP of the faithful probe: every decoder trained on <paramref name="images"/> images (all epochs), then evaluated.</summary>
    public static double Faithful(IReadOnlyList<int> sizes, double images, int samples)
    {
        int depth = sizes.Count - 1;
        double decoders = 0;
        for (int l = 1; l <= depth; l++)
        {
            decoders += DecoderStep(sizes, l, images);
        }
        return Forward(sizes, depth, images) + decoders + Evaluation(sizes, depth, samples);
    }
}
