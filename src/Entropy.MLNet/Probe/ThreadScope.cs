using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>
/// Applies <see cref="ProbeOptions.Threads"/>: TorchSharp's intra-op thread count is process-wide, so it is set only when
/// asked for and then left in effect (restoring it at the end would change the thread count under a probe running
/// concurrently on another thread, and with it the floating-point results).
/// </summary>
internal readonly struct ThreadScope : IDisposable
{
    private ThreadScope(int used) => Used = used;

    /// <summary>The thread count in effect.</summary>
    public int Used { get; }

    /// <summary>Sets <paramref name="threads"/> when given; otherwise leaves TorchSharp's setting alone.</summary>
    public static ThreadScope Enter(int? threads)
    {
        if (threads is { } n && n != get_num_threads())
        {
            set_num_threads(n);
        }
        return new ThreadScope(get_num_threads());
    }

    public void Dispose()
    {
    }
}
