using Entropy.MLNet.MLNet;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Tests.Probe;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.MLNet;

[TestClass]
public sealed class ProbeMappingThreadsTests
{
    /// <summary>
    /// ML.NET scores rows on whichever threads it likes, and libtorch's intra-op thread count is per thread (inherited
    /// from a process default that other work changes), so a row must score to the same bits whatever the count of the
    /// thread that scores it. Reproduces a flaky comparison of a fitted and a reloaded probe (last-bit differences).
    /// </summary>
    [TestMethod]
    [DoNotParallelize]
    public void Map_SameRowsOnThreadsWithDifferentIntraOpCounts_BitIdentical()
    {
        var options = TestData.Small() with { Depth = 8, Width = NetworkWidth.Fixed(64), TrainSamples = 256, Threads = null };
        using var model = ReconstructionProbe.Fit(TestData.Train, options);
        var mapping = new ProbeMapping(model, [1, 8]);
        var rows = Enumerable.Range(0, 8).Select(i => TestData.Test.Image(i).ToArray()).ToArray();
        int callerThreads = get_num_threads();
        try
        {
            float[][] reference = ScoreOnThread(mapping, rows, 1);
            foreach (int threads in new[] { 2, 3, 4, 8 })
            {
                float[][] scored = ScoreOnThread(mapping, rows, threads);
                for (int i = 0; i < reference.Length; i++)
                {
                    CollectionAssert.AreEqual(reference[i], scored[i], $"row {i / 2} ({(i % 2 == 0 ? "entropy" : "reconstruction")}) scored with {threads} intra-op threads");
                }
            }
        }
        finally
        {
            // Setting a thread's count also sets the process default; put back the one this thread has.
            set_num_threads(callerThreads);
        }
    }

    private static float[][] ScoreOnThread(ProbeMapping mapping, float[][] rows, int threads)
    {
        var result = new List<float[]>();
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                get_num_threads();
                set_num_threads(threads);
                foreach (float[] row in rows)
                {
                    var output = new ProbeMappingOutput();
                    mapping.Map(new ProbeMappingInput { EntropyMLNetProbeInput = row }, output);
                    result.Add(output.EntropyMLNetProbeEntropy);
                    result.Add(output.EntropyMLNetProbeReconstruction);
                }
            }
            catch (Exception ex)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException("scoring thread failed", error);
        }
        return [.. result];
    }
}
