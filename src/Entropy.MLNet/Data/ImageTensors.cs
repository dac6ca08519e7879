using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Data;

/// <summary>Images of a dataset as one tensor, for the code that needs all of them at once (ground truth, closed-form decoders).</summary>
internal static class ImageTensors
{
    /// <summary>The images <paramref name="indices"/> of <paramref name="data"/>, in that order, as [N, C·H·W] on <paramref name="device"/>.</summary>
    public static Tensor Gather(ImageDataset data, IReadOnlyList<int> indices, Device device)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        int d = data.FeatureSize;
        var buffer = new float[(long)indices.Count * d];
        ReadOnlySpan<float> pixels = data.Pixels;
        for (int i = 0; i < indices.Count; i++)
        {
            pixels.Slice(indices[i] * d, d).CopyTo(buffer.AsSpan(i * d, d));
        }
        var x = tensor(buffer, [indices.Count, d]);
        if (device.type == DeviceType.CPU)
        {
            return x;
        }
        using (x)
        {
            return x.to(device);
        }
    }
}
