using Entropy.MLNet.ModelHost;
using Entropy.MLNet.Tests.MLNet;

namespace Entropy.MLNet.Tests.Probe;

/// <summary>
/// Fifty probes leave no tensor alive and no resident memory behind. Measured in a child process (the model host's
/// <c>probe-memory</c> mode): this process's resident memory moves with whatever other tests run beside it.
/// </summary>
[TestClass]
public sealed class ProbeMemoryTests
{
    /// <summary>Resident growth allowed over the measured probes (the leaks below keep 50 MiB).</summary>
    private const long ResidentBound = 16L << 20;

    private static readonly ProbeMemoryInput Input = new();

    [TestMethod]
    public void Run_FiftyProbes_NoLiveTensorsLeftAndResidentMemoryFlat()
    {
        ProbeMemoryOutput measured = Measure(ProbeMemoryLeak.None);
        Assert.AreEqual(0L, LeakFound(measured).Count, string.Join("; ", LeakFound(measured)));
    }

    [TestMethod]
    public void Run_ProbesThatKeepATensorEach_LeakFound()
    {
        ProbeMemoryOutput measured = Measure(ProbeMemoryLeak.Tensors);
        var found = LeakFound(measured);
        Assert.AreEqual((long)Input.Probes, measured.LiveTensors, "one kept tensor per probe");
        Assert.IsTrue(found.Any(f => f.StartsWith("tensors left alive", StringComparison.Ordinal)), string.Join("; ", found));
        Assert.IsTrue(found.Any(f => f.StartsWith("resident memory grew", StringComparison.Ordinal)), string.Join("; ", found));
    }

    [TestMethod]
    public void Run_ProbesThatKeepNativeMemoryEach_LeakFound()
    {
        ProbeMemoryOutput measured = Measure(ProbeMemoryLeak.Native);
        var found = LeakFound(measured);
        Assert.AreEqual(0L, measured.LiveTensors, "native memory is no tensor");
        Assert.IsTrue(found.Any(f => f.StartsWith("resident memory grew", StringComparison.Ordinal)), string.Join("; ", found));
    }

    /// <summary>The check: every tensor a probe creates is disposed by the probe itself (not left to the finalizer), and resident memory stays within the bound.</summary>
    private static List<string> LeakFound(ProbeMemoryOutput m)
    {
        var found = new List<string>();
        if (m.LiveTensors != 0)
        {
            found.Add($"tensors left alive by {Input.Probes} probes: {m.LiveTensors}");
        }
        if (m.ResidentBytesAfter - m.ResidentBytesBefore >= ResidentBound)
        {
            found.Add($"resident memory grew from {m.ResidentBytesBefore >> 20} MiB to {m.ResidentBytesAfter >> 20} MiB (bound {ResidentBound >> 20} MiB)");
        }
        return found;
    }

    private static ProbeMemoryOutput Measure(ProbeMemoryLeak leak)
    {
        string dir = MLNetFixtures.TempDirectory("probe-memory");
        try
        {
            var output = MLNetFixtures.RunHost("probe-memory", leak.ToString(), Input, dir, timeoutSeconds: 600);
            return new ProbeMemoryOutput
            {
                LiveTensors = output[nameof(ProbeMemoryOutput.LiveTensors)].GetInt64(),
                ResidentBytesBefore = output[nameof(ProbeMemoryOutput.ResidentBytesBefore)].GetInt64(),
                ResidentBytesAfter = output[nameof(ProbeMemoryOutput.ResidentBytesAfter)].GetInt64(),
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
