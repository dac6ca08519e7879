using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>
/// Applies <see cref="ProbeOptions.Threads"/>. TorchSharp's intra-op thread count is process-wide, so it is set only when
/// asked for and then left in effect: restoring it afterwards would change the thread count under a probe running
/// concurrently on another thread, and with it the floating-point results.
/// </summary>
internal static class TorchThreads
{
    /// <summary>Sets <paramref name="threads"/> when given; returns the thread count in effect.</summary>
    public static int Apply(int? threads)
    {
        if (threads is { } n && n != get_num_threads())
        {
            set_num_threads(n);
        }
        return get_num_threads();
    }
}
