using Entropy.MLNet.Runtime;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

// Exceptions name the column, option or context setting at fault (not a method parameter), as ML.NET does.
#pragma warning disable CA2208

namespace Entropy.MLNet.MLNet;

/// <summary>
/// What the components take from the user's <see cref="MLContext"/>: a seed drawn from the context's own random source
/// (so <c>new MLContext(seed: 1)</c> makes every fit reproducible), log messages through an <see cref="IChannel"/> (they
/// reach <see cref="MLContext.Log"/>), and the device from <see cref="MLContext.GpuDeviceId"/> and
/// <see cref="MLContext.FallbackToCpu"/>.
/// </summary>
internal sealed class MLContextEnvironment
{
    private readonly IHost _host;

    public MLContextEnvironment(MLContext context, string component)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _host = ((IHostEnvironment)context).Register(component);
    }

    public MLContext Context { get; }

    /// <summary>The explicit seed, or the next draw of the context's seeded random source.</summary>
    public int Seed(int? explicitSeed)
    {
        if (explicitSeed is { } s)
        {
            return s;
        }
        lock (_host)
        {
            return _host.Rand.Next();
        }
    }

    /// <summary>Opens a channel whose messages reach <see cref="MLContext.Log"/>; dispose it when done.</summary>
    public IChannel Start(string name) => _host.Start(name);

    /// <summary>
    /// The probe device: an explicit <paramref name="requested"/> kind wins; otherwise CUDA device
    /// <see cref="MLContext.GpuDeviceId"/> when the context names one (falling back to the CPU when
    /// <see cref="MLContext.FallbackToCpu"/> says so), else <see cref="DeviceKind.Auto"/>. Resolved (and checked) through
    /// <see cref="TorchRuntime.ResolveDevice"/>; returns the kind the probe should use.
    /// </summary>
    public DeviceKind ResolveDevice(DeviceKind? requested)
    {
        int? gpu = Context.GpuDeviceId;
        DeviceKind kind = requested ?? (gpu is not null ? DeviceKind.Cuda : DeviceKind.Auto);
        Device device = TorchRuntime.ResolveDevice(kind, gpu ?? 0, Context.FallbackToCpu);
        if (device.type != DeviceType.CUDA)
        {
            return DeviceKind.Cpu;
        }
        if (device.index > 0)
        {
            // The probe places its tensors on the default CUDA device; an index other than 0 would silently be ignored.
            throw new ArgumentOutOfRangeException(nameof(MLContext.GpuDeviceId), device.index,
                "MLContext.GpuDeviceId: the reconstruction probe runs on CUDA device 0; select another GPU with CUDA_VISIBLE_DEVICES.");
        }
        return DeviceKind.Cuda;
    }
}
