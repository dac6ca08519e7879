using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>Sets TorchSharp's intra-op thread count for a while and restores it (process-wide setting).</summary>
internal readonly struct ThreadScope : IDisposable
{
    private readonly int _previous;

    private ThreadScope(int previous, int used)
    {
        _previous = previous;
        Used = used;
    }

    /// <summary>The thread count in effect inside the scope.</summary>
    public int Used { get; }

    /// <summary>Applies <paramref name="threads"/> when given; otherwise leaves TorchSharp's setting alone.</summary>
    public static ThreadScope Enter(int? threads)
    {
        int previous = get_num_threads();
        if (threads is { } n && n != previous)
        {
            set_num_threads(n);
            return new ThreadScope(previous, n);
        }
        return new ThreadScope(0, previous);
    }

    public void Dispose()
    {
        if (_previous > 0)
        {
            set_num_threads(_previous);
        }
    }
}
