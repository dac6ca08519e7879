using Entropy.MLNet.MLNet;
using Entropy.MLNet.ModelHost;
using Microsoft.ML;

namespace Entropy.MLNet.Tests.Samples;

/// <summary>A sweep model written without probing: three σ_w² grid points at σ_b² = 0.05 (tanh), curves of 4 layers.</summary>
internal static class ScoringFixtures
{
    public const double LowestSigmaW2 = 1.0;
    public const double HighestSigmaW2 = 3.0;

    public static SweepTable Table(int xiCCacheCapacity = SweepTable.MaxCachedXiC)
    {
        var table = new SweepTable { ProbeDepth = 6, CurveLength = 4, CutoffTolerance = 0.05, Width = "16", XiCCacheCapacity = xiCCacheCapacity };
        foreach (var (w, cutoff) in new[] { (LowestSigmaW2, 4), (2.0, 3), (HighestSigmaW2, 1) })
        {
            table.Points.Add(new SweepPoint { SigmaW2 = w, SigmaB2 = 0.05, Activation = "tanh", Cutoff = cutoff, Curve = [0.4f, 0.3f, 0.2f, 0.1f] });
        }
        return table;
    }

    public static string SaveModel(string directory)
    {
        var ml = new MLContext(seed: 0);
        var model = TrainabilitySweepTransformer.Create(ml, Table());
        string path = Path.Combine(directory, "model.zip");
        TrainabilityModel.Save(ml, model, ml.Data.LoadFromEnumerable(new List<ConfigurationInput>()).Schema, path);
        return path;
    }
}
