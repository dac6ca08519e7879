using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Architectures.Convolutional;

/// <summary>The authors' settings for the CNN and ResNet probes (collect_data_cnn.py, collect_data_resnet.py).</summary>
internal static class ConvolutionalDefaults
{
    /// <summary>Bias variance of both families.</summary>
    public const double SigmaB2 = 2e-5;

    /// <summary>Decoder mini-batch.</summary>
    public const int BatchSize = 100;

    /// <summary>Cutoff tolerance of both scripts (the MLP script uses 0.005).</summary>
    public const double CutoffTolerance = 0.01;

    /// <summary>
    /// The probe's defaults for both families: σ_b² 2e-5, Adam lr 1e-3 (PyTorch's default, as for the MLP), batch 100,
    /// one epoch, cutoff rtol 0.01.
    /// </summary>
    public static ProbeDefaults Probe { get; } = new(SigmaB2, ProbeDefaults.Mlp.LearningRate, BatchSize, ProbeDefaults.Mlp.Epochs, CutoffTolerance);

    /// <summary>Kernel size of every convolution.</summary>
    public const int Kernel = 3;

    /// <summary>The CNN's channels in the paper's heatmap.</summary>
    public const int CnnChannels = 128;

    /// <summary>The ResNet's channels.</summary>
    public const int ResNetChannels = 32;
}
