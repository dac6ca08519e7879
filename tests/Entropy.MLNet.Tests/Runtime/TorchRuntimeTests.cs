using Entropy.MLNet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Runtime;

[TestClass]
public sealed class TorchRuntimeTests
{
    [TestMethod]
    public void EnsureLoaded_OnThisMachine_LoadsTheCpuBackend()
    {
        TorchRuntime.EnsureLoaded();
        using var x = ones(2, 2);
        Assert.AreEqual(4f, x.sum().item<float>());
    }

    [TestMethod]
    public void BuildLoadFailureMessage_MissingGlibcxx_NamesVersionAndTheBuildStep()
    {
        string message = TorchRuntime.BuildLoadFailureMessage("Debian GNU/Linux 12", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", false,
            "The libtorch-cpu-linux-x64 package doesn't contain a reference");
        StringAssert.Contains(message, "GLIBCXX_3.4.32");
        StringAssert.Contains(message, "build step");
        StringAssert.Contains(message, "rebuild");
        StringAssert.Contains(message, "/usr/lib/x86_64-linux-gnu/libstdc++.so.6");
        StringAssert.Contains(message, "doesn't contain a reference");
    }

    [TestMethod]
    public void BuildLoadFailureMessage_LibraryPresent_PointsToBackendPackage()
    {
        string message = TorchRuntime.BuildLoadFailureMessage("Ubuntu 24.04", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", true, "boom");
        StringAssert.Contains(message, "libtorch-cpu-linux-x64");
        StringAssert.Contains(message, "TorchSharp-cpu");
        Assert.IsFalse(message.Contains("does not export", StringComparison.Ordinal));
    }

    [TestMethod]
    public void ResolveDevice_Cpu_ReturnsCpu()
    {
        Assert.AreEqual(DeviceType.CPU, TorchRuntime.ResolveDevice(DeviceKind.Cpu).type);
        Assert.AreEqual(DeviceType.CPU, TorchRuntime.ResolveDevice(DeviceKind.Cuda, fallbackToCpu: true).type);
    }

    [TestMethod]
    public void ParseDevice_Unknown_Throws()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => TorchRuntime.ParseDevice("tpu"));
        StringAssert.Contains(ex.Message, "tpu");
    }
}
