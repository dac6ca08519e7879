using System.Runtime.ExceptionServices;
using static TorchSharp.torch;

namespace Entropy.MLNet.Runtime;

/// <summary>
/// A fixed set of dedicated threads that run TorchSharp work side by side, each with its own small intra-op thread
/// count. The cascade's work is many small, independent products (a 64-row batch against a block of a 784×784
/// decoder), which libtorch splits poorly across cores; running independent blocks on separate single-threaded workers
/// keeps every core busy with whole products instead.
/// <para>
/// Libtorch's intra-op thread count is per thread under OpenMP (measured: setting it on one thread leaves the others'
/// products as they were), so the workers set theirs once at start and the caller's count is left as it was. Dedicated
/// threads, not the .NET thread pool, so that no pool thread is left with a changed count. One <see cref="Run"/> at a
/// time: concurrent callers wait for each other.
/// </para>
/// </summary>
internal sealed class TorchWorkers : IDisposable
{
    private readonly object _gate = new();
    private readonly List<Thread> _threads = [];
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private readonly Exception?[] _errors;
    private Action<int>? _job;
    private bool _stopping;

    /// <summary>Starts <paramref name="count"/> workers, each running libtorch with <paramref name="threadsPerWorker"/> intra-op threads.</summary>
    public TorchWorkers(int count, int threadsPerWorker)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerWorker, 1);
        Count = count;
        ThreadsPerWorker = threadsPerWorker;
        int callerThreads = get_num_threads();
        _start = new SemaphoreSlim[count];
        _errors = new Exception?[count];
        _done = new CountdownEvent(count);
        for (int w = 0; w < count; w++)
        {
            _start[w] = new SemaphoreSlim(0);
        }
        try
        {
            for (int w = 0; w < count; w++)
            {
                int index = w;
                var thread = new Thread(() => Loop(index)) { IsBackground = true, Name = $"Entropy.MLNet torch worker {w}" };
                thread.Start();
                _threads.Add(thread);
            }
        }
        catch
        {
            Stop();
            throw;
        }
        // Wait until every worker has set its thread count, then put the process-wide default (which libtorch
        // also updates) back to the caller's, so threads started later begin as before.
        _done.Wait();
        set_num_threads(callerThreads);
        if (_errors.FirstOrDefault(e => e is not null) is { } error)
        {
            Stop();
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    /// <summary>Number of workers.</summary>
    public int Count { get; }

    /// <summary>Libtorch intra-op threads of each worker.</summary>
    public int ThreadsPerWorker { get; }

    /// <summary>
    /// Runs <paramref name="job"/>(w) on every worker w = 0..Count−1 and waits for all of them. The first exception
    /// thrown by a job is rethrown here as it was (an <see cref="OperationCanceledException"/> stays one).
    /// </summary>
    public void Run(Action<int> job)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            Array.Clear(_errors);
            _job = job;
            _done.Reset();
            foreach (var s in _start)
            {
                s.Release();
            }
            _done.Wait();
            _job = null;
            // Prefer a real failure over the cancellations it may have caused in the other workers.
            var error = _errors.FirstOrDefault(e => e is not null and not OperationCanceledException) ?? _errors.FirstOrDefault(e => e is not null);
            if (error is not null)
            {
                ExceptionDispatchInfo.Capture(error).Throw();
            }
        }
    }

    private void Loop(int index)
    {
        try
        {
            // Libtorch initialises a thread's count lazily, from the process-wide default, on the thread's first
            // parallel call; trigger that first so that it cannot later overwrite the count set here.
            get_num_threads();
            set_num_threads(ThreadsPerWorker);
        }
        catch (Exception ex)
        {
            _errors[index] = ex;
        }
        finally
        {
            _done.Signal();
        }
        while (true)
        {
            _start[index].Wait();
            if (_stopping)
            {
                return;
            }
            try
            {
                _job!(index);
            }
            catch (Exception ex)
            {
                _errors[index] = ex;
            }
            finally
            {
                _done.Signal();
            }
        }
    }

    /// <summary>Stops and joins the workers (after a <see cref="Run"/> in progress has finished).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }
            Stop();
        }
    }

    private void Stop()
    {
        _stopping = true;
        foreach (var s in _start)
        {
            s.Release();
        }
        foreach (var t in _threads)
        {
            t.Join();
        }
        foreach (var s in _start)
        {
            s.Dispose();
        }
        _done.Dispose();
    }
}
