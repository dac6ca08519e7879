using static TorchSharp.torch;

namespace Entropy.MLNet.Runtime;

/// <summary>
/// Applies a probe's or a training's Threads option to the calling thread. Libtorch keeps the intra-op count per thread
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

    /// <summary>
    /// Pins the calling thread's intra-op count to <paramref name="threads"/> until the returned scope is disposed, then
    /// puts the thread's own count back. For work that must give the same bits on whichever thread runs it (a product's
    /// reduction order follows the count). While pinned, the process-wide default is <paramref name="threads"/> too
    /// (libtorch sets both at once); afterwards it is the thread's previous count.
    /// </summary>
    public static PinnedThreads Pin(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int previous = get_num_threads();
        if (previous != threads)
        {
            set_num_threads(threads);
        }
        return new PinnedThreads(previous, threads);
    }

    /// <summary>The scope of <see cref="Pin"/>: disposing it restores the thread's previous count.</summary>
    internal readonly struct PinnedThreads(int previous, int pinned) : IDisposable
    {
        public void Dispose()
        {
            if (previous != pinned)
            {
                set_num_threads(previous);
            }
        }
    }
}
