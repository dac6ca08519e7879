using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using TorchSharp;

namespace Entropy.MLNet.Tests.Probe;

[TestClass]
public sealed class ProbeMemoryTests
{
    [TestMethod]
    [DoNotParallelize]
    public void Run_FiftyProbes_NoLiveTensorsLeftAndResidentMemoryFlat()
    {
        TorchRuntime.EnsureLoaded();
        var options = TestData.Small() with { TrainSamples = 128, ReconstructionImages = 2 };
        // Warm-up: the native allocator's pools grow over the first few dozen probes, then stay flat (measured: +65 MiB
        // over the first 100 probes, +12 MiB over the next 400, then nothing over 300 more).
        for (int i = 0; i < 50; i++)
        {
            ReconstructionProbe.Run(TestData.Train, TestData.Test, options with { Seed = i });
        }
        long before = Settle();
        var stats = DisposeScopeManager.Statistics;
        stats.Reset();
        for (int i = 0; i < 50; i++)
        {
            ReconstructionProbe.Run(TestData.Train, TestData.Test, options with { Seed = 100 + i });
        }
        long live = stats.TensorStatistics.ThreadTotalLiveCount;
        long after = Settle();
        // Every tensor a probe creates is disposed by the probe itself (not left to the finalizer).
        Assert.AreEqual(0L, live, "tensors left alive by 50 probes");
        Assert.IsLessThan(16L << 20, after - before, $"resident memory grew from {before >> 20} MiB to {after >> 20} MiB");
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return ResidentBytes();
    }

    private static long ResidentBytes()
    {
        if (OperatingSystem.IsLinux())
        {
            string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
