using System.Globalization;

namespace Entropy.MLNet.Networks;

/// <summary>How wide the layers of a <see cref="DeepNetwork"/> are.</summary>
public enum NetworkWidthKind
{
    /// <summary>Every hidden layer as wide as the input, then 400, then the classes: D linear layers (the authors' <c>wide</c>).</summary>
    Wide,

    /// <summary>Sizes ceil(linspace(n0, classes, D)): D − 1 linear layers whose width falls linearly (the authors' <c>shrinking</c>).</summary>
    Shrinking,

    /// <summary>Every hidden layer the same fixed width: n0 → n, D − 2 layers n → n, n → classes (D linear layers).</summary>
    Fixed,

    /// <summary>An explicit list of sizes from the input to the classes.</summary>
    Explicit,
}

/// <summary>
/// The width rule of a <see cref="DeepNetwork"/>: <see cref="Wide"/>, <see cref="Shrinking"/>, <see cref="Fixed"/> or
/// <see cref="Explicit"/>. <see cref="LayerSizes"/> turns it into the list n0, n1, …, nL of layer sizes.
/// </summary>
public sealed class NetworkWidth : IEquatable<NetworkWidth>
{
    /// <summary>The width of the layer before the classes in a <see cref="Wide"/> network, as the authors.</summary>
    public const int WidePenultimate = 400;

    private readonly int[]? _sizes;

    private NetworkWidth(NetworkWidthKind kind, int width, int[]? sizes)
    {
        Kind = kind;
        Width = width;
        _sizes = sizes;
    }

    /// <summary>The authors' "wide" network: [n0]·(D−1) + [400, classes], i.e. D linear layers.</summary>
    public static NetworkWidth Wide { get; } = new(NetworkWidthKind.Wide, 0, null);

    /// <summary>The authors' "shrinking" network: ceil(linspace(n0, classes, D)), i.e. D − 1 linear layers.</summary>
    public static NetworkWidth Shrinking { get; } = new(NetworkWidthKind.Shrinking, 0, null);

    /// <summary>The rule's kind.</summary>
    public NetworkWidthKind Kind { get; }

    /// <summary>The hidden width for <see cref="NetworkWidthKind.Fixed"/>; 0 otherwise.</summary>
    public int Width { get; }

    /// <summary>The sizes for <see cref="NetworkWidthKind.Explicit"/> (input first, classes last); null otherwise.</summary>
    public IReadOnlyList<int>? Sizes => _sizes;

    /// <summary>Every hidden layer <paramref name="width"/> wide: n0 → n, (D − 2) × n → n, n → classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is below 1.</exception>
    public static NetworkWidth Fixed(int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        return new NetworkWidth(NetworkWidthKind.Fixed, width, null);
    }

    /// <summary>Explicit sizes n0, n1, …, nL: the input size first, the number of classes last, at least 3 entries (2 linear layers).</summary>
    /// <exception cref="ArgumentException">Fewer than 3 sizes, or a size below 1.</exception>
    public static NetworkWidth Explicit(IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 3)
        {
            throw new ArgumentException($"An explicit width list needs at least 3 sizes (input, one hidden layer, classes); got {sizes.Count}.", nameof(sizes));
        }
        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] < 1)
            {
                throw new ArgumentException($"Explicit width list: size {i} is {sizes[i]}; every size must be at least 1.", nameof(sizes));
            }
        }
        return new NetworkWidth(NetworkWidthKind.Explicit, 0, [.. sizes]);
    }

    /// <summary>Parses <c>wide</c>, <c>shrinking</c>, a fixed width such as <c>128</c>, or a comma-separated list such as <c>784,512,10</c>.</summary>
    /// <exception cref="ArgumentException">The text is none of those.</exception>
    public static NetworkWidth Parse(string text)
    {
        string t = text?.Trim().ToLowerInvariant() ?? string.Empty;
        if (t == "wide")
        {
            return Wide;
        }
        if (t == "shrinking")
        {
            return Shrinking;
        }
        if (t.Contains(',', StringComparison.Ordinal))
        {
            string[] parts = t.Split(',', StringSplitOptions.TrimEntries);
            var sizes = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]))
                {
                    throw new ArgumentException($"Invalid width list '{text}': '{parts[i]}' is not a positive integer.", nameof(text));
                }
            }
            return Explicit(sizes);
        }
        if (int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int width))
        {
            if (width < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(text), width, $"Width must be at least 1; got {width}.");
            }
            return Fixed(width);
        }
        throw new ArgumentException($"Unknown width '{text}': use wide, shrinking, a number such as 128, or a list such as 784,512,10.", nameof(text));
    }

    /// <summary>
    /// The layer sizes n0 (= <paramref name="inputSize"/>), n1, …, nL (= <paramref name="classes"/>); the network has
    /// <c>sizes.Length − 1</c> linear layers.
    /// </summary>
    /// <param name="inputSize">Values per input image (C·H·W).</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="depth">The depth D; ignored by <see cref="NetworkWidthKind.Explicit"/>, which must then have D + 1 sizes.</param>
    /// <exception cref="ArgumentException">The sizes cannot be built (depth below 2, an explicit list whose ends do not match).</exception>
    public int[] LayerSizes(int inputSize, int classes, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 2);
        switch (Kind)
        {
            case NetworkWidthKind.Wide:
            {
                var sizes = new int[depth + 1];
                Array.Fill(sizes, inputSize, 0, depth);
                sizes[depth - 1] = WidePenultimate;
                sizes[depth] = classes;
                return sizes;
            }
            case NetworkWidthKind.Shrinking:
            {
                // numpy.linspace(n0, classes, D) then ceil, as the authors (D sizes): numpy computes i·step + start
                // with step = (stop − start)/(D − 1) and sets the last point to stop exactly; same order here.
                var sizes = new int[depth];
                double step = (double)(classes - inputSize) / (depth - 1);
                for (int i = 0; i < depth; i++)
                {
                    double v = i == depth - 1 ? classes : (i * step) + inputSize;
                    sizes[i] = (int)Math.Ceiling(v);
                }
                return sizes;
            }
            case NetworkWidthKind.Fixed:
            {
                var sizes = new int[depth + 1];
                Array.Fill(sizes, Width);
                sizes[0] = inputSize;
                sizes[depth] = classes;
                return sizes;
            }
            default:
            {
                int[] sizes = _sizes!;
                if (sizes[0] != inputSize)
                {
                    throw new ArgumentException($"The explicit width list starts with {sizes[0]} but the images have {inputSize} values.", nameof(inputSize));
                }
                if (sizes[^1] != classes)
                {
                    throw new ArgumentException($"The explicit width list ends with {sizes[^1]} but the dataset has {classes} classes.", nameof(classes));
                }
                return [.. sizes];
            }
        }
    }

    /// <summary>The number of linear layers a network of depth <paramref name="depth"/> has under this rule.</summary>
    public int LinearLayerCount(int depth) => Kind switch
    {
        NetworkWidthKind.Shrinking => depth - 1,
        NetworkWidthKind.Explicit => _sizes!.Length - 1,
        _ => depth,
    };

    /// <summary>The text <see cref="Parse"/> reads back: <c>wide</c>, <c>shrinking</c>, <c>128</c> or <c>784,512,10</c>.</summary>
    public override string ToString() => Kind switch
    {
        NetworkWidthKind.Wide => "wide",
        NetworkWidthKind.Shrinking => "shrinking",
        NetworkWidthKind.Fixed => Width.ToString(CultureInfo.InvariantCulture),
        _ => string.Join(',', _sizes!),
    };

    /// <inheritdoc/>
    public bool Equals(NetworkWidth? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as NetworkWidth);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
