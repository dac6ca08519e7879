using System.Globalization;
using System.Runtime.InteropServices;
using Entropy.MLNet.Data;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.ModelHost;

/// <summary>
/// The probe memory check, run alone in this process so that nothing else moves its resident memory: warm-up probes
/// (the native allocator's pools grow over the first few dozen, then stay flat), then measured probes, counting the
/// tensors they leave alive and the resident memory before and after. A deliberate leak can be switched on to show the
/// measurement catches one.
/// </summary>
public static class ProbeMemory
{
    /// <summary>Bytes a leak keeps per measured probe (well above the tests' bound once multiplied by the probes).</summary>
    public const int LeakBytesPerProbe = 1 << 20;

    /// <summary>Runs the check and returns what it measured.</summary>
    public static ProbeMemoryOutput Run(ProbeMemoryLeak leak, ProbeMemoryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ImageDataset train = AtMost(DatasetCatalog.Load("mnist", "train"), 5000);
        ImageDataset test = AtMost(DatasetCatalog.Load("mnist", "test"), 1000);
        // The tests' small probe (TestData.Small) with fewer images.
        var options = new ProbeOptions
        {
            SigmaW2 = 1.0,
            Depth = 6,
            Width = NetworkWidth.Fixed(32),
            TrainSamples = 128,
            EntropySamples = 20,
            ReconstructionImages = 2,
            Threads = 1,
            Device = Runtime.DeviceKind.Cpu,
        };
        for (int i = 0; i < input.WarmupProbes; i++)
        {
            ReconstructionProbe.Run(train, test, options with { Seed = i });
        }
        long before = Settle();
        var stats = DisposeScopeManager.Statistics;
        stats.Reset();
        var kept = new List<Tensor>();
        var native = new List<nint>();
        try
        {
            for (int i = 0; i < input.Probes; i++)
            {
                ReconstructionProbe.Run(train, test, options with { Seed = 100 + i });
                Leak(leak, kept, native);
            }
            long live = stats.TensorStatistics.ThreadTotalLiveCount;
            long after = Settle();
            return new ProbeMemoryOutput { LiveTensors = live, ResidentBytesBefore = before, ResidentBytesAfter = after };
        }
        finally
        {
            kept.ForEach(t => t.Dispose());
            native.ForEach(Marshal.FreeHGlobal);
        }
    }

    private static void Leak(ProbeMemoryLeak leak, List<Tensor> kept, List<nint> native)
    {
        switch (leak)
        {
            case ProbeMemoryLeak.Tensors:
                // A tensor created outside any dispose scope and kept: what a probe forgetting a Dispose would leave.
                kept.Add(ones(LeakBytesPerProbe / sizeof(float)));
                break;
            case ProbeMemoryLeak.Native:
                // Native memory no tensor accounts for; written so that its pages become resident.
                nint block = Marshal.AllocHGlobal(LeakBytesPerProbe);
                native.Add(block);
                for (int offset = 0; offset < LeakBytesPerProbe; offset += 256)
                {
                    Marshal.WriteByte(block, offset, 1);
                }
                break;
        }
    }

    // An aggressive collection also gives the .NET heap's free memory back to the system: the heap decommits lazily,
    // which moved a single reading by up to 50 MiB beside a CPU hog (measured). A leak stays in use and is still counted.
    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static ImageDataset AtMost(ImageDataset data, int count) => data.Count > count ? data.Take(count) : data;
}

/// <summary>A deliberate leak for the probe memory check.</summary>
public enum ProbeMemoryLeak
{
    /// <summary>No leak: the real check.</summary>
    None,

    /// <summary>Keeps a 1 MiB tensor alive per measured probe.</summary>
    Tensors,

    /// <summary>Keeps 1 MiB of resident native memory per measured probe, no tensor.</summary>
    Native,
}

/// <summary>How many probes the memory check runs.</summary>
public sealed class ProbeMemoryInput
{
    /// <summary>Probes run before the first measurement.</summary>
    public int WarmupProbes { get; set; } = 50;

    /// <summary>Probes measured.</summary>
    public int Probes { get; set; } = 50;
}

/// <summary>What the memory check measured.</summary>
public sealed class ProbeMemoryOutput
{
    /// <summary>Tensors created on the probing thread during the measured probes and not disposed.</summary>
    public long LiveTensors { get; set; }

    /// <summary>Resident bytes after the warm-up.</summary>
    public long ResidentBytesBefore { get; set; }

    /// <summary>Resident bytes after the measured probes.</summary>
    public long ResidentBytesAfter { get; set; }
}
