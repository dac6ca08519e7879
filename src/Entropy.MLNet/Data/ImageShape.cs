using System.Globalization;

namespace Entropy.MLNet.Data;

/// <summary>The shape of one image, channels × height × width (planar CHW, as ML.NET's <c>ExtractPixels</c> produces).</summary>
/// <param name="Channels">Channels (1 grayscale, 3 RGB).</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Width">Width in pixels.</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Values per image, C·H·W.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Parses <c>CxHxW</c> (e.g. <c>1x28x28</c>, <c>3x32x32</c>).</summary>
    /// <exception cref="FormatException">The text is not three positive integers separated by <c>x</c>.</exception>
    public static ImageShape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('x', 'X', '×');
        if (parts.Length != 3 || !TryPositive(parts[0], out int c) || !TryPositive(parts[1], out int h) || !TryPositive(parts[2], out int w)
            || (long)c * h * w > 1 << 24)
        {
            throw new FormatException($"Image shape '{text}' is not CxHxW with positive sizes (e.g. 1x28x28), at most 2^24 values.");
        }
        return new ImageShape(c, h, w);
    }

    /// <summary>Formats as <c>CxHxW</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Channels}x{Height}x{Width}");

    internal static bool TryPositive(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}

/// <summary>A fixed image size, height × width, that an image folder is resized to.</summary>
/// <param name="Height">Height in pixels.</param>
/// <param name="Width">Width in pixels.</param>
public readonly record struct ImageSize(int Height, int Width)
{
    /// <summary>Parses <c>HxW</c> (e.g. <c>32x32</c>) or a single number for a square.</summary>
    /// <exception cref="FormatException">The text is not one or two positive integers.</exception>
    public static ImageSize Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('x', 'X', '×');
        if (parts.Length == 1 && ImageShape.TryPositive(parts[0], out int side) && side <= 4096)
        {
            return new ImageSize(side, side);
        }
        if (parts.Length == 2 && ImageShape.TryPositive(parts[0], out int h) && ImageShape.TryPositive(parts[1], out int w) && h <= 4096 && w <= 4096)
        {
            return new ImageSize(h, w);
        }
        throw new FormatException($"Image size '{text}' is not HxW (or one number) with sides from 1 to 4096, e.g. 32x32.");
    }

    /// <summary>Formats as <c>HxW</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Height}x{Width}");
}
