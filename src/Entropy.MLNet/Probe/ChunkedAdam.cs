using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Entropy.MLNet.Probe;

/// <summary>
/// Adam with PyTorch's defaults and PyTorch 2.x's exact per-element sequence (<c>torch.optim.Adam</c>: lerp into the
/// first moment; mul + addcmul into the second; sqrt, divide by √(1 − β2^t), add ε; addcdiv with −lr/(1 − β1^t)),
/// applied chunk by chunk so that each chunk of parameter, gradient and moments goes through all the steps while it is
/// in the CPU cache. The step is memory bound (the decoders hold millions of parameters and a batch is only 64
/// images), so this cuts the memory traffic of the whole-tensor update roughly in half without changing a number:
/// tested bit-identical to the whole-tensor sequence. (TorchSharp's own Adam uses mul + add for the first moment, which
/// rounds differently in the last bit.) Chunk sizes are multiples of the SIMD width so that no element moves between the
/// vectorised and the scalar-tail path of a kernel.
/// </summary>
internal sealed class ChunkedAdam : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _m;
    private readonly Tensor[] _v;
    private readonly Tensor _oneMinusBeta1;
    private readonly double _lr;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _eps;
    private readonly long _chunk;
    private long _step;

    public ChunkedAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, long chunk = 1L << 15)
    {
        _parameters = [.. parameters];
        _lr = lr;
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
        _chunk = chunk;
        _m = new Tensor[_parameters.Length];
        _v = new Tensor[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            _m[i] = zeros_like(_parameters[i]).DetachFromDisposeScope();
            _v[i] = zeros_like(_parameters[i]).DetachFromDisposeScope();
        }
        _oneMinusBeta1 = tensor(1 - beta1, ScalarType.Float32, _parameters.Length > 0 ? _parameters[0].device : CPU).DetachFromDisposeScope();
    }

    /// <summary>Drops the gradients (as <c>zero_grad(set_to_none: true)</c>, PyTorch's default), so backward writes fresh ones.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            if (p.grad is not null)
            {
                using var g = p.grad;
                p.grad = null!;
            }
        }
    }

    /// <summary>
    /// One Adam step on every parameter that has a gradient. With more than one TorchSharp thread the chunks are shared
    /// among that many .NET workers (each chunk is below libtorch's parallel grain, so every kernel runs on its own
    /// worker without a thread-pool barrier); the elements are independent, so the result is the same either way.
    /// </summary>
    public void Step()
    {
        _step++;
        double bc1 = 1 - Math.Pow(_beta1, _step);
        double bc2Sqrt = Math.Sqrt(1 - Math.Pow(_beta2, _step));
        double stepSize = _lr / bc1;
        var work = new List<(int Index, long Start, long Length)>();
        var grads = new Tensor?[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            grads[i] = _parameters[i].grad;
            if (grads[i] is null)
            {
                continue;
            }
            long n = _parameters[i].numel();
            for (long start = 0; start < n; start += _chunk)
            {
                work.Add((i, start, Math.Min(_chunk, n - start)));
            }
        }
        int workers = _parameters.Length > 0 && _parameters[0].device.type == DeviceType.CPU
            ? Math.Clamp(Math.Min(get_num_threads(), work.Count), 1, 64)
            : 1;
        try
        {
            if (workers == 1)
            {
                Run(work, 0, 1, grads, bc2Sqrt, stepSize);
            }
            else
            {
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
                    w => Run(work, w, workers, grads, bc2Sqrt, stepSize));
            }
        }
        finally
        {
            foreach (var g in grads)
            {
                g?.Dispose();
            }
        }
    }

    private void Run(List<(int Index, long Start, long Length)> work, int first, int stride, Tensor?[] grads, double bc2Sqrt, double stepSize)
    {
        // Gradient mode and dispose scopes are per thread.
        using var noGrad = no_grad();
        for (int k = first; k < work.Count; k += stride)
        {
            var (i, start, len) = work[k];
            using var scope = NewDisposeScope();
            Tensor g = grads[i]!.view(-1).narrow(0, start, len);
            Tensor m = _m[i].view(-1).narrow(0, start, len);
            Tensor v = _v[i].view(-1).narrow(0, start, len);
            m.lerp_(g, _oneMinusBeta1);
            v.mul_(_beta2).addcmul_(g, g, 1 - _beta2);
            Tensor denom = v.sqrt().div_(bc2Sqrt).add_(_eps);
            _parameters[i].view(-1).narrow(0, start, len).addcdiv_(m, denom, -stepSize);
        }
    }

    public void Dispose()
    {
        foreach (var t in _m.Concat(_v))
        {
            t.Dispose();
        }
        _oneMinusBeta1.Dispose();
    }
}
