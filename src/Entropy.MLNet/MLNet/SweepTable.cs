using System.Collections.Concurrent;
using System.Globalization;
using Entropy.MLNet.Prediction;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Theory;

// Exceptions name the column, option or context setting at fault (not a method parameter), as ML.NET does.
#pragma warning disable CA2208

namespace Entropy.MLNet.MLNet;

/// <summary>One fitted grid point of a sweep: the probe's cutoff and median entropy curve at (σ_w², σ_b², activation).</summary>
public sealed class SweepPoint
{
    /// <summary>Weight variance σ_w².</summary>
    public double SigmaW2 { get; set; }

    /// <summary>Bias variance σ_b².</summary>
    public double SigmaB2 { get; set; }

    /// <summary>Activation name.</summary>
    public string Activation { get; set; } = "tanh";

    /// <summary>The probe's cutoff (predicted maximum trainable depth), as <see cref="ProbeResult.Cutoff"/>.</summary>
    public int Cutoff { get; set; }

    /// <summary>
    /// The calibrated predicted maximum trainable depth (<see cref="CalibratedPrediction.ProductName"/>, read from the
    /// probe's curves when the sweep was fitted); null in tables saved before it existed or where the calibration had no
    /// answer: predictions then use <see cref="Cutoff"/>.
    /// </summary>
    public double? PredictedDepth { get; set; }

    /// <summary>Median relative entropy per curve layer (nats), as <see cref="ProbeResult.MedianRelativeEntropy"/>.</summary>
#pragma warning disable CA1819 // A serialised record.
    public float[] Curve { get; set; } = [];
#pragma warning restore CA1819
}

/// <summary>What a trainability sweep learned: one <see cref="SweepPoint"/> per grid point, and how to read between them.</summary>
public sealed class SweepTable
{
    /// <summary>Version of this table's format.</summary>
    public int Version { get; set; } = 1;

    /// <summary>Depth of the probe networks (the deepest configuration the table can judge is its curve length).</summary>
    public int ProbeDepth { get; set; }

    /// <summary>Curve points per grid point.</summary>
    public int CurveLength { get; set; }

    /// <summary>The cutoff tolerance used.</summary>
    public double CutoffTolerance { get; set; }

    /// <summary>Width rule of the probe networks.</summary>
    public string Width { get; set; } = "wide";

    /// <summary>The probe networks' family (<c>cnn</c>, <c>resnet</c>); null for the MLP (and in tables saved before families).</summary>
    public string? Architecture { get; set; }

    /// <summary>Channels per layer of a convolutional family; null for the MLP.</summary>
    public int? Channels { get; set; }

    /// <summary>The grid points.</summary>
#pragma warning disable CA2227 // Serialised.
    public List<SweepPoint> Points { get; set; } = [];
#pragma warning restore CA2227

    /// <summary>Most ξ_c values kept: a scoring client sending ever new σ_w² values must not grow the process.</summary>
    internal const int MaxCachedXiC = 4096;

    private readonly ConcurrentDictionary<(double, double, string), double> _xi = new();

    /// <summary>ξ_c values kept at most (<see cref="MaxCachedXiC"/>; tests use less).</summary>
    internal int XiCCacheCapacity { get; init; } = MaxCachedXiC;

    /// <summary>ξ_c values cached now.</summary>
    internal int CachedXiCCount => _xi.Count;

    /// <summary>
    /// Predicts one configuration. σ_b² and the activation must be on the grid; σ_w² is interpolated linearly between
    /// the two neighbouring grid values (cutoff and curve), and must lie inside the grid's σ_w² range.
    /// </summary>
    /// <param name="sigmaW2">σ_w² of the configuration.</param>
    /// <param name="sigmaB2">σ_b² of the configuration.</param>
    /// <param name="depth">Depth L of the network to judge (at least 1).</param>
    /// <param name="activation">Activation; null when the grid has a single one.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside the fitted grid (the parameter name says which).</exception>
    public SweepPrediction Predict(double sigmaW2, double sigmaB2, int depth, string? activation)
    {
        if (depth < 1)
        {
            throw new ArgumentOutOfRangeException("Depth", depth, $"Depth must be at least 1; got {depth}.");
        }
        if (!double.IsFinite(sigmaW2) || !double.IsFinite(sigmaB2))
        {
            throw new ArgumentOutOfRangeException(double.IsFinite(sigmaW2) ? "SigmaB2" : "SigmaW2", "SigmaW2 and SigmaB2 must be finite numbers.");
        }
        var activations = Points.Select(p => p.Activation).Distinct(StringComparer.Ordinal).ToList();
        string act;
        if (string.IsNullOrWhiteSpace(activation))
        {
            if (activations.Count != 1)
            {
                throw new ArgumentOutOfRangeException("Activation", activation, $"The sweep was fitted for several activations ({string.Join(", ", activations)}); give an Activation column.");
            }
            act = activations[0];
        }
        else
        {
            act = activation.Trim().ToLowerInvariant();
            if (!activations.Contains(act))
            {
                throw new ArgumentOutOfRangeException("Activation", activation, $"Activation '{activation}' is not in the fitted grid ({string.Join(", ", activations)}).");
            }
        }
        var sameActivation = Points.Where(p => p.Activation == act).ToList();
        var row = sameActivation.Where(p => Same(p.SigmaB2, sigmaB2)).OrderBy(p => p.SigmaW2).ToList();
        if (row.Count == 0)
        {
            throw new ArgumentOutOfRangeException("SigmaB2", Text(sigmaB2), string.Create(CultureInfo.InvariantCulture,
                $"σ_b² = {Text(sigmaB2)} is not in the fitted grid (σ_b² values: {string.Join(", ", sameActivation.Select(p => p.SigmaB2).Distinct().Select(Text))}); the sweep interpolates along σ_w² only."));
        }
        double lo = row[0].SigmaW2;
        double hi = row[^1].SigmaW2;
        if (sigmaW2 < lo - Tolerance(lo) || sigmaW2 > hi + Tolerance(hi))
        {
            throw new ArgumentOutOfRangeException("SigmaW2", Text(sigmaW2), string.Create(CultureInfo.InvariantCulture,
                $"σ_w² = {Text(sigmaW2)} is outside the fitted grid's range [{Text(lo)}, {Text(hi)}] (σ_b² = {Text(sigmaB2)}, {act}); refit the sweep with a wider σ_w² grid."));
        }
        int k = 0;
        while (k + 1 < row.Count && row[k + 1].SigmaW2 < sigmaW2)
        {
            k++;
        }
        SweepPoint a = row[k];
        SweepPoint b = k + 1 < row.Count ? row[k + 1] : a;
        double t = b.SigmaW2 > a.SigmaW2 ? Math.Clamp((sigmaW2 - a.SigmaW2) / (b.SigmaW2 - a.SigmaW2), 0, 1) : 0;
        var curve = new float[CurveLength];
        for (int i = 0; i < curve.Length; i++)
        {
            curve[i] = (float)(a.Curve[i] + (t * (b.Curve[i] - a.Curve[i])));
        }
        float cutoff = (float)(a.Cutoff + (t * (b.Cutoff - a.Cutoff)));
        // The calibrated depth when both neighbours have one, else the cutoff (tables saved before it existed).
        double predicted = a.PredictedDepth is { } pa && b.PredictedDepth is { } pb ? pa + (t * (pb - pa)) : cutoff;
        // The score's ½ puts its boundary between whole layers; a predicted depth in [L − ½, L) would score above ½
        // while predicted ≥ L says untrainable, so the score reads the whole layers the decision reads.
        float score = (float)TrainabilityScore.Score(Math.Floor(predicted), depth);
        double xi = XiC(sigmaW2, sigmaB2, act);
        return new SweepPrediction(cutoff, curve, score, predicted >= depth, (float)xi, (float)predicted);
    }

    // Each unseen (σ_w², σ_b²) costs milliseconds of mean-field work, so values are cached; a full cache starts over,
    // which bounds its size whatever the callers ask.
    private double XiC(double sigmaW2, double sigmaB2, string activation)
    {
        if (Architecture == Architectures.Convolutional.ConvolutionalArchitecture.ResNetName)
        {
            return double.NaN; // no mean-field line for the ResNet (docs/architectures.md)
        }
        var key = (sigmaW2, sigmaB2, activation);
        if (_xi.TryGetValue(key, out double xi))
        {
            return xi;
        }
        xi = MeanFieldTheory.ForActivation(activation).Evaluate(sigmaW2, sigmaB2).XiC;
        if (_xi.Count >= XiCCacheCapacity)
        {
            _xi.Clear();
        }
        _xi[key] = xi;
        return xi;
    }

    /// <summary>Checks a table read from a file; throws <see cref="InvalidDataException"/>.</summary>
    internal void Check()
    {
        if (Version != 1)
        {
            throw new InvalidDataException($"sweep table version {Version} is not supported (expected 1).");
        }
        if (Points is null || Points.Count == 0 || CurveLength < 1 || ProbeDepth < 2)
        {
            throw new InvalidDataException("the sweep table is empty or has no curve length.");
        }
        // The MLP's curve is at most its depth; a CNN's at most D + 2 layers, a ResNet's D + 3.
        long layers;
        if (Architecture is null)
        {
            layers = ProbeDepth;
            if (Channels is not null)
            {
                throw new InvalidDataException("the sweep table of an MLP gives channels.");
            }
        }
        else if (Architectures.ArchitectureCatalog.All.FirstOrDefault(a => a.Name == Architecture) is Architectures.Convolutional.ConvolutionalArchitecture conv)
        {
            if (Channels is not (>= 1 and <= Architectures.Convolutional.ConvolutionalSpec.MaxChannels))
            {
                throw new InvalidDataException($"the sweep table of a {Architecture} gives {Channels?.ToString(CultureInfo.InvariantCulture) ?? "no"} channels (1..{Architectures.Convolutional.ConvolutionalSpec.MaxChannels}).");
            }
            layers = (long)ProbeDepth + (conv.LayersAt(2) - 2);
        }
        else
        {
            throw new InvalidDataException($"the sweep table's architecture '{Architecture}' is not cnn or resnet.");
        }
        if (CurveLength > layers)
        {
            throw new InvalidDataException($"the sweep table's curve length {CurveLength} exceeds the {layers} layers of its depth-{ProbeDepth} probe.");
        }
        foreach (var p in Points)
        {
            if (p is null || p.Curve is null || p.Curve.Length != CurveLength || !double.IsFinite(p.SigmaW2) || !double.IsFinite(p.SigmaB2)
                || p.Cutoff < 0 || p.Cutoff > CurveLength || string.IsNullOrWhiteSpace(p.Activation))
            {
                throw new InvalidDataException("a sweep point is inconsistent (curve length, σ values, cutoff or activation).");
            }
            if (p.PredictedDepth is { } d && !(double.IsFinite(d) && d >= 0))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"a sweep point's predicted depth is {d}; it must be a finite number of at least 0."));
            }
        }
    }

    internal object Descriptor() => new
    {
        Version,
        Kind = "trainability-sweep",
        ProbeDepth,
        CurveLength,
        CutoffTolerance,
        Width,
        Architecture,
        Channels,
        SigmaW2 = Points.Select(p => p.SigmaW2).Distinct().Order().ToArray(),
        SigmaB2 = Points.Select(p => p.SigmaB2).Distinct().Order().ToArray(),
        Activations = Points.Select(p => p.Activation).Distinct().ToArray(),
    };

    /// <summary>
    /// A value as the user typed it: configurations arrive as Single columns, so a double that is exactly a float is
    /// printed as that float's shortest round-trip text (0.05f, not 0.05000000074505806).
    /// </summary>
    internal static string Text(double v) =>
        (double)(float)v == v ? ((float)v).ToString(CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);

    private static bool Same(double a, double b) => Math.Abs(a - b) <= Tolerance(a);

    // Configurations arrive as Single columns: accept the grid value's float rounding.
    private static double Tolerance(double v) => 1e-6 * Math.Max(1, Math.Abs(v));
}

/// <summary>The sweep's prediction for one configuration.</summary>
/// <param name="Cutoff">Predicted maximum trainable depth (interpolated along σ_w²).</param>
/// <param name="EntropyCurve">Median relative entropy per probe layer (interpolated).</param>
/// <param name="Score">The project's trainability score in (0, 1) of Depth against the calibrated predicted depth (<see cref="SweepPoint.PredictedDepth"/>, or Cutoff without one; <see cref="TrainabilityScore.Score(double, int)"/>): above ½ exactly when predicted trainable.</param>
/// <param name="PredictedTrainable">Predicted depth ≥ Depth.</param>
/// <param name="XiC">Mean-field correlation depth scale ξ_c (<see cref="MeanFieldTheory"/>; +∞ on the critical line).</param>
/// <param name="PredictedDepth">The depth Score and PredictedTrainable read: the calibrated predicted depth (<see cref="SweepPoint.PredictedDepth"/>, interpolated along σ_w²), or Cutoff for a table without one.</param>
public sealed record SweepPrediction(float Cutoff, float[] EntropyCurve, float Score, bool PredictedTrainable, float XiC, float PredictedDepth);
