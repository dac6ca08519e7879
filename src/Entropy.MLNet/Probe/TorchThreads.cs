using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>
/// Applies <see cref="ProbeOptions.Threads"/> to the calling thread. Libtorch keeps the intra-op count per thread
/// (OpenMP), but setting it also changes the process-wide default that threads inherit on their first libtorch call, so
/// it is set only when asked for and then left in effect: restoring it afterwards could change the count a probe
/// starting concurrently on another thread picks up, and with it the floating-point results.
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
