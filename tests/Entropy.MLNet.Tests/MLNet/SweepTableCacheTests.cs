using Entropy.MLNet.Tests.Samples;
using Entropy.MLNet.Theory;

namespace Entropy.MLNet.Tests.MLNet;

[TestClass]
public sealed class SweepTableCacheTests
{
    [TestMethod]
    public void Predict_ManyDistinctSigmaW2_CacheStaysWithinItsCapacityAndValuesStayExact()
    {
        var table = ScoringFixtures.Table(xiCCacheCapacity: 8);
        var theory = MeanFieldTheory.ForActivation("tanh");

        for (int i = 0; i < 50; i++)
        {
            double w = 1.0 + (i / 25.0);
            float xi = table.Predict(w, 0.05, 3, null).XiC;

            Assert.AreEqual((float)theory.Evaluate(w, 0.05).XiC, xi);
            Assert.IsLessThanOrEqualTo(8, table.CachedXiCCount);
        }
    }
}
