using Entropy.MLNet.Data;

// The checks name the offending option (not a method parameter), so that callers and the CLI can say which one.
#pragma warning disable CA2208

namespace Entropy.MLNet.Networks;

/// <summary>
/// The checks that the probe's and the ground-truth trainer's options share: the network's hyper-parameters against a
/// dataset, and the optimiser's settings. One place, so that both reject the same configurations with the same words.
/// </summary>
internal static class NetworkOptionsValidation
{
    /// <summary>Checks σ_w², σ_b², depth, width and activation against <paramref name="train"/>; returns the layer sizes.</summary>
    public static int[] ValidateNetwork(double sigmaW2, double sigmaB2, int depth, NetworkWidth width, Activation activation, ImageDataset train) =>
        ValidateNetwork(sigmaW2, sigmaB2, depth, width, activation, train.FeatureSize, train.ClassNames.Count, train.Name);

    /// <summary>Checks σ_w², σ_b², depth, width and activation against images of <paramref name="inputSize"/> values and <paramref name="classes"/> classes; returns the layer sizes.</summary>
    public static int[] ValidateNetwork(double sigmaW2, double sigmaB2, int depth, NetworkWidth width, Activation activation, int inputSize, int classes, string dataset)
    {
        if (!(sigmaW2 > 0) || !double.IsFinite(sigmaW2))
        {
            throw new ArgumentOutOfRangeException("SigmaW2", $"SigmaW2 (σ_w²) must be a finite number above 0; got {sigmaW2}.");
        }
        if (!(sigmaB2 >= 0) || !double.IsFinite(sigmaB2))
        {
            throw new ArgumentOutOfRangeException("SigmaB2", $"SigmaB2 (σ_b²) must be a finite number of at least 0; got {sigmaB2}.");
        }
        if (depth < 2)
        {
            throw new ArgumentOutOfRangeException("Depth", $"Depth must be at least 2; got {depth}.");
        }
        ArgumentNullException.ThrowIfNull(width, "Width");
        ArgumentNullException.ThrowIfNull(activation, "Activation");
        if (width.Kind == NetworkWidthKind.Fixed && width.Width < 1)
        {
            throw new ArgumentOutOfRangeException("Width", $"Width must be at least 1; got {width.Width}.");
        }
        int[] sizes;
        try
        {
            sizes = width.LayerSizes(inputSize, classes, depth);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Width '{width}' does not fit dataset '{dataset}' ({inputSize} values per image, {classes} classes): {ex.Message}", "Width", ex);
        }
        if (width.Kind == NetworkWidthKind.Explicit && sizes.Length - 1 != depth)
        {
            throw new ArgumentException($"Width list '{width}' has {sizes.Length - 1} linear layers but Depth is {depth}.", "Width");
        }
        return sizes;
    }

    /// <summary>Checks the optimiser's epochs, batch size and learning rate.</summary>
    public static void ValidateTraining(int epochs, int batchSize, double learningRate)
    {
        if (epochs < 1)
        {
            throw new ArgumentOutOfRangeException("Epochs", $"Epochs must be at least 1; got {epochs}.");
        }
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException("BatchSize", $"BatchSize must be at least 1; got {batchSize}.");
        }
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException("LearningRate", $"LearningRate must be a finite number above 0; got {learningRate}.");
        }
    }
}
