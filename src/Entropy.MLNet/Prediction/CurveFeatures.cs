namespace Entropy.MLNet.Prediction;

/// <summary>
/// The two features of a probe's curves that the calibrated prediction reads (docs/prediction.md): one per flank of
/// the trainable region.
/// </summary>
/// <param name="CollapseLayer">
/// Ordered flank: the first layer ℓ (1-based) whose reconstructions' differential entropy lies more than
/// <see cref="TrainabilityCalibration.CollapseDrop"/> nats below layer 1's, i.e. where the reconstructions stop
/// depending on the input; +∞ when no layer of the curve does. NaN when layer 1's entropy is not finite.
/// </param>
/// <param name="DecoderMse">
/// Chaotic flank: the median test MSE of the decoders of layers <see cref="TrainabilityCalibration.MseFirstLayer"/> to
/// <see cref="TrainabilityCalibration.MseLastLayer"/> (those the curve has): how much one layer loses that its decoder
/// cannot undo. NaN when the curve is shorter than the first of those layers or a value is NaN.
/// </param>
public readonly record struct CurveFeatures(double CollapseLayer, double DecoderMse)
{
    /// <summary>Reads the features from one configuration's curves (index i = layer i + 1).</summary>
    /// <param name="differentialEntropy">Differential entropy of the reconstructions per layer (−∞ allowed).</param>
    /// <param name="decoderMse">Decoder test MSE per layer.</param>
    /// <param name="calibration">Where to read them (the drop and the MSE layers).</param>
    /// <exception cref="ArgumentException">The two curves differ in length.</exception>
    public static CurveFeatures FromCurves(IReadOnlyList<double> differentialEntropy, IReadOnlyList<double> decoderMse, TrainabilityCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(differentialEntropy);
        ArgumentNullException.ThrowIfNull(decoderMse);
        ArgumentNullException.ThrowIfNull(calibration);
        if (differentialEntropy.Count != decoderMse.Count)
        {
            throw new ArgumentException($"The curves differ in length: {differentialEntropy.Count} differential entropies, {decoderMse.Count} decoder MSEs.", nameof(decoderMse));
        }
        return new CurveFeatures(Collapse(differentialEntropy, calibration.CollapseDrop), MedianMse(decoderMse, calibration.MseFirstLayer, calibration.MseLastLayer));
    }

    private static double Collapse(IReadOnlyList<double> entropy, double drop)
    {
        if (entropy.Count == 0 || !double.IsFinite(entropy[0]))
        {
            return double.NaN;
        }
        double threshold = entropy[0] - drop;
        for (int i = 1; i < entropy.Count; i++)
        {
            if (entropy[i] < threshold)
            {
                return i + 1;
            }
        }
        return double.PositiveInfinity;
    }

    private static double MedianMse(IReadOnlyList<double> mse, int firstLayer, int lastLayer)
    {
        int last = Math.Min(lastLayer, mse.Count);
        if (firstLayer > last)
        {
            return double.NaN;
        }
        var values = new double[last - firstLayer + 1];
        for (int layer = firstLayer; layer <= last; layer++)
        {
            double v = mse[layer - 1];
            if (double.IsNaN(v))
            {
                return double.NaN;
            }
            values[layer - firstLayer] = v;
        }
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }
}
