using System.Globalization;
using Entropy.MLNet.Training;

namespace Entropy.MLNet.Cli.Infrastructure;

/// <summary>
/// Defaults quoted in help texts, read from where they are defined (<see cref="GroundTruthProtocol"/>,
/// <see cref="GroundTruthDefaults"/>) so that the help cannot drift from what a command does.
/// </summary>
internal static class HelpDefaults
{
    /// <summary>A number as a user types it (invariant culture, shortest form).</summary>
    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The ground-truth accuracy threshold per dataset, e.g. "mnist, fashion-mnist: 0.5; cifar10: 0.2".</summary>
    public static string ThresholdPerDataset()
        => $"mnist, fashion-mnist: {Number(GroundTruthProtocol.For("mnist").Threshold)}; cifar10: {Number(GroundTruthProtocol.For("cifar10").Threshold)}";

    /// <summary>The epoch budget per dataset of the commands that count it in epochs, e.g. "mnist: 2; cifar10: 10".</summary>
    public static string EpochsPerDataset()
        => string.Create(CultureInfo.InvariantCulture, $"mnist: {GroundTruthDefaults.For("mnist").Epochs}; cifar10: {GroundTruthDefaults.For("cifar10").Epochs}");
}
