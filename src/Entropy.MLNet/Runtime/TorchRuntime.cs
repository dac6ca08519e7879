using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Runtime;

/// <summary>Which device to compute on.</summary>
public enum DeviceKind
{
    /// <summary>CUDA when a CUDA backend and a GPU are present, else the CPU.</summary>
    Auto,

    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>A CUDA GPU; an error when none is usable.</summary>
    Cuda,
}

/// <summary>
/// Loads TorchSharp's native backend once, turning the misleading load failures of TorchSharp into one clear
/// <see cref="NativeBackendException"/>, and resolves devices.
/// </summary>
public static class TorchRuntime
{
    /// <summary>The libstdc++ symbol version TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> needs on Linux.</summary>
    public const string RequiredGlibcxx = "GLIBCXX_3.4.32";

    private const string CpuBackendPackages = "libtorch-cpu-linux-x64 2.10.0 (Linux x64) or TorchSharp-cpu 0.107.0 (Windows, macOS, Linux)";
    private const string CudaBackendPackages = "TorchSharp-cuda-linux or TorchSharp-cuda-windows 0.107.0";

    private static readonly Lock Gate = new();
    private static bool s_loaded;

    /// <summary>Makes sure the native backend is loaded; throws <see cref="NativeBackendException"/> with a fix when it is not.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (s_loaded)
            {
                return;
            }
            try
            {
                InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                string? lib = OperatingSystem.IsLinux() ? FindLibStdCxx() : null;
                bool exports = lib is not null && FileContains(lib, RequiredGlibcxx);
                throw new NativeBackendException(BuildLoadFailureMessage(RuntimeInformation.OSDescription, lib, exports, ex.Message), ex);
            }
            s_loaded = true;
        }
    }

    /// <summary>Resolves a <see cref="DeviceKind"/> to a TorchSharp device, loading the backend first.</summary>
    /// <param name="kind">The requested device.</param>
    /// <param name="gpuDeviceId">CUDA device index (as <c>MLContext.GpuDeviceId</c>).</param>
    /// <param name="fallbackToCpu">With <see cref="DeviceKind.Cuda"/>: use the CPU instead of failing when no GPU is usable.</param>
    public static Device ResolveDevice(DeviceKind kind, int gpuDeviceId = 0, bool fallbackToCpu = false)
    {
        EnsureLoaded();
        bool cuda = IsCudaAvailable();
        switch (kind)
        {
            case DeviceKind.Cpu:
                return CPU;
            case DeviceKind.Auto:
                return cuda ? new Device(DeviceType.CUDA, gpuDeviceId) : CPU;
            case DeviceKind.Cuda when cuda:
                if (gpuDeviceId < 0 || gpuDeviceId >= torch.cuda.device_count())
                {
                    throw new ArgumentOutOfRangeException(nameof(gpuDeviceId), gpuDeviceId,
                        $"CUDA device {gpuDeviceId} does not exist; this machine has {torch.cuda.device_count()}.");
                }
                return new Device(DeviceType.CUDA, gpuDeviceId);
            case DeviceKind.Cuda when fallbackToCpu:
                return CPU;
            case DeviceKind.Cuda:
                throw new NativeBackendException(
                    "CUDA was requested but is not available: the application needs the " + CudaBackendPackages
                    + " package and a machine with an NVIDIA GPU and driver. Or compute on the CPU: DeviceKind.Cpu, "
                    + "MLContext.FallbackToCpu = true with ML.NET, or --device cpu with the entropy tool.");
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown device kind.");
        }
    }

    /// <summary>Parses <c>auto</c>, <c>cpu</c> or <c>cuda</c>.</summary>
    public static DeviceKind ParseDevice(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "auto" => DeviceKind.Auto,
        "cpu" => DeviceKind.Cpu,
        "cuda" or "gpu" => DeviceKind.Cuda,
        _ => throw new ArgumentException($"Unknown device '{text}': use auto, cpu or cuda.", nameof(text)),
    };

    private static bool IsCudaAvailable()
    {
        try
        {
            return torch.cuda.is_available();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>Builds the message for a failed native load; separate so that it can be tested without breaking the machine.</summary>
    internal static string BuildLoadFailureMessage(string osDescription, string? libStdCxxPath, bool exportsRequired, string innerMessage)
    {
        var sb = new StringBuilder("TorchSharp's native backend (LibTorch) could not be loaded");
        sb.Append(" on ").Append(osDescription).Append('.');
        if (libStdCxxPath is not null && !exportsRequired)
        {
            // Entropy.MLNet's build step marks that need weak in the build output; an unpatched copy means it did not run.
            sb.Append(' ').Append(libStdCxxPath).Append(" does not export ").Append(RequiredGlibcxx)
              .Append(", and this copy of libLibTorchSharp.so still requires it. Entropy.MLNet's build step marks that requirement ")
              .Append("weak in the build and publish output (it is a link-time marker only); rebuild or republish the application with ")
              .Append("the Entropy.MLNet package (or, in its repository, eng/TorchBackend.targets) so that the step runs, ")
              .Append("or use a system with libstdc++ of GCC 13 or newer (Ubuntu 24.04+, Debian 13+, Fedora 39+).");
        }
        else
        {
            sb.Append(" The application must reference one LibTorch backend package next to Entropy.MLNet: ").Append(CpuBackendPackages)
              .Append(" for the CPU, or ").Append(CudaBackendPackages).Append(" for NVIDIA GPUs (see the package README; ")
              .Append("in the Entropy.MLNet repository, -p:TorchBackend=cpu is the default).");
        }
        sb.Append(" TorchSharp said: ").Append(innerMessage.ReplaceLineEndings(" "));
        return sb.ToString();
    }

    internal static string? FindLibStdCxx()
    {
        string[] candidates =
        [
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    internal static bool FileContains(string path, string ascii)
    {
        try
        {
            byte[] needle = Encoding.ASCII.GetBytes(ascii);
            return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
