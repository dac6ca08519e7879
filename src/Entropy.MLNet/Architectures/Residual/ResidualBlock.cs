using Entropy.MLNet.Architectures.Convolutional;
using Entropy.MLNet.Networks;
using static TorchSharp.torch;

namespace Entropy.MLNet.Architectures.Residual;

/// <summary>
/// The authors' residual block (<c>get_resnet_normal</c>): x ← φ(x + pad(conv₂(φ(pad(conv₁(x)))))), with valid 3×3
/// convolutions, circular padding 1 after each so that the map keeps its size, and an identity skip.
/// </summary>
internal static class ResidualBlock
{
    /// <summary>One block applied to <paramref name="x"/> [B, c, H, W].</summary>
    /// <param name="x">The block's input.</param>
    /// <param name="first">The first valid convolution.</param>
    /// <param name="second">The second valid convolution.</param>
    /// <param name="activation">φ.</param>
    public static Tensor Forward(Tensor x, Func<Tensor, Tensor> first, Func<Tensor, Tensor> second, Activation activation)
    {
        using var scope = NewDisposeScope();
        Tensor inner = activation.Apply(ConvolutionalNetwork.CircularPad(first(x)));
        Tensor branch = ConvolutionalNetwork.CircularPad(second(inner));
        return activation.Apply(x + branch).MoveToOuterDisposeScope();
    }

    /// <summary>Transposed convolutions in a block's decoder: two, each with tanh and a crop (the authors' decoder is two layers).</summary>
    public const int DecoderStages = 2;
}
