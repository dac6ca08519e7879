using Entropy.MLNet.MLNet;
using Entropy.MLNet.Runtime;
using Microsoft.ML;

namespace Entropy.MLNet.Tests.MLNet;

[TestClass]
public sealed class TrainabilityCatalogTests
{
    [TestMethod]
    public void ReconstructionProbe_SimpleOverload_SetsTheNamedParameters()
    {
        var ml = new MLContext(seed: 3);
        var data = MLNetFixtures.Images(64).ToDataView();

        using var probe = ml.Trainability().ReconstructionProbe("Entropy", "Features", sigmaW2: 2.0, sigmaB2: 0.1, depth: 5, width: "12", reconstructionLayers: [5]).Fit(data);

        Assert.AreEqual("Entropy", probe.OutputColumnName);
        Assert.AreEqual("Reconstruction", probe.ReconstructionColumnName);
        Assert.AreEqual(2.0, probe.Model.Options.SigmaW2);
        Assert.AreEqual(0.1, probe.Model.Options.SigmaB2);
        Assert.AreEqual(5, probe.Model.Network.Depth);
        Assert.AreEqual(3, probe.Model.CurveLength);
        Assert.IsNotNull(probe.GetOutputSchema(data.Schema).GetColumnOrNull("Entropy"));
    }

    [TestMethod]
    public void Trainability_NullContext_Throws()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => TrainabilityMLContextExtensions.Trainability(null!));
    }

    [TestMethod]
    public void Fit_GpuDeviceIdWithFallbackToCpu_RunsOnTheCpuWhenNoGpu()
    {
        var ml = new MLContext(seed: 4) { GpuDeviceId = 0, FallbackToCpu = true };
        var options = MLNetFixtures.ProbeOptions();
        options.Device = null;

        using var probe = ml.Trainability().ReconstructionProbe(options).Fit(MLNetFixtures.Images(40).ToDataView());

        if (!TorchSharp.torch.cuda.is_available())
        {
            Assert.AreEqual(TorchSharp.DeviceType.CPU, probe.Model.Device.type);
        }
        else
        {
            Assert.AreEqual(TorchSharp.DeviceType.CUDA, probe.Model.Device.type);
        }
    }

    [TestMethod]
    public void Fit_GpuDeviceIdWithoutFallback_FailsClearlyWithoutGpu()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            Assert.Inconclusive("This machine has a GPU.");
        }
        var ml = new MLContext(seed: 4) { GpuDeviceId = 0, FallbackToCpu = false };
        var options = MLNetFixtures.ProbeOptions();
        options.Device = null;

        var ex = Assert.ThrowsExactly<NativeBackendException>(() => ml.Trainability().ReconstructionProbe(options).Fit(MLNetFixtures.Images(40).ToDataView()));

        Assert.Contains("CUDA was requested", ex.Message);
    }
}
