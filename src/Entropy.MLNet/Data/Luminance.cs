namespace Entropy.MLNet.Data;

/// <summary>Luminance weights for converting RGB images to one channel.</summary>
public static class Luminance
{
    /// <summary>
    /// ITU-R BT.601 luma weights for R, G, B: Y = 0.299 R + 0.587 G + 0.114 B. This is what torchvision's
    /// <c>Grayscale(1)</c> (PIL mode "L") applies, which the paper used for grayscale CIFAR-10. PIL rounds Y to 8 bits;
    /// here Y is kept as a float, so values differ from PIL's by at most 0.5/255.
    /// </summary>
    public static ReadOnlySpan<float> Rec601 => [0.299f, 0.587f, 0.114f];
}
