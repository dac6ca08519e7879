using System.Text;
using Entropy.MLNet.Reporting;
using Entropy.MLNet.Sweep;

namespace Entropy.MLNet.Tests.Sweep;

/// <summary>Result files that the sweep cannot have written are refused on read, naming the file, line and column.</summary>
[TestClass]
public sealed class ResultsValidationTests
{
    // Settings: σ_w² 0.5, 1.0, 1.5 at σ_b² 0.05, depth 10 (curve layers 1 to 8), ground truth on.
    private static readonly SweepSettings Settings = new()
    {
        Dataset = "mnist",
        DatasetSource = "embedded",
        SigmaW2 = [0.5, 1.0, 1.5],
        SigmaB2 = [0.05],
        MaxDepth = 10,
        Width = "32",
        TrainSamples = 200,
        EntropySamples = 20,
        GroundTruth = new GroundTruthSettings { Epochs = 1, Threshold = 0.3 },
    };

    private const string Good = "1,0.05,10,5,,0.9,3.2,19.2,ordered,7,4,0.5";

    private static TempDirectory Directory(string resultsRows, string? curves = null, string? truth = null)
    {
        var dir = new TempDirectory();
        File.WriteAllText(dir.Sub(SweepSettings.FileName), Settings.ToJson());
        // Rows are written without the last column (divergenceLayer); an empty one is added: no divergence.
        string rows = string.Concat(resultsRows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r + ",\n"));
        File.WriteAllText(dir.Sub(SweepRecord.FileName), string.Join(',', SweepRecord.Header) + "\n" + rows);
        File.WriteAllText(dir.Sub(SweepCurvePoint.FileName), curves ?? SweepFormatTests.CurvesFile(1.0));
        if (truth is not null)
        {
            File.WriteAllText(dir.Sub(GroundTruthRecord.FileName), string.Join(',', GroundTruthRecord.Header) + "\n" + truth);
        }
        return dir;
    }

    private static string Refused(TempDirectory dir) => Assert.ThrowsExactly<InvalidDataException>(() => SweepResults.Load(dir.Path)).Message;

    [TestMethod]
    public void Load_ValidDirectory_Reads()
    {
        using var dir = Directory(Good + "\n", truth: "1,0.05,4,true,0.5,1\n");
        Assert.HasCount(8, SweepResults.Load(dir.Path).Curves);
    }

    [TestMethod]
    [DataRow("1,0.05,12,5,,0.9,3.2,19.2,ordered,7,4,0.5", "column 'maxDepth' is '12', not this sweep's depth 10")]
    [DataRow("1,0.05,10,9,,0.9,3.2,19.2,ordered,7,4,0.5", "column 'cutoff' is '9', not a cutoff from 0 to the curve length 8")]
    [DataRow("1,0.05,10,-1,,0.9,3.2,19.2,ordered,7,4,0.5", "column 'cutoff' is '-1'")]
    [DataRow("1,0.05,10,5,40,0.9,3.2,19.2,ordered,7,4,0.5", "column 'differentialCutoff' is '40'")]
    [DataRow("1,0.05,10,5,,NaN,3.2,19.2,ordered,7,4,0.5", "column 'chi1' is 'NaN'")]
    [DataRow("1,0.05,10,5,,Infinity,3.2,19.2,ordered,7,4,0.5", "column 'chi1' is 'Infinity'")]
    [DataRow("1,0.05,10,5,,0.9,NaN,19.2,ordered,7,4,0.5", "column 'xiC' is 'NaN'")]
    [DataRow("1,0.05,10,5,,0.9,3.2,-1,ordered,7,4,0.5", "column 'sixXiC' is '-1'")]
    [DataRow("1,0.05,10,5,,0.9,3.2,19.2,ordered,7,11,0.5", "column 'gtMaxTrainableDepth' is '11'")]
    [DataRow("1,0.05,10,5,,0.9,3.2,19.2,ordered,7,4,NaN", "column 'gtTestAccuracy' is 'NaN'")]
    [DataRow("1,0.05,10,5,,0.9,3.2,19.2,ordered,7,4,1.5", "column 'gtTestAccuracy' is '1.5'")]
    public void Load_ResultsRowTheSweepCannotWrite_RefusedNamingLineAndColumn(string row, string expected)
    {
        using var dir = Directory(row + "\n");

        string message = Refused(dir);

        StringAssert.Contains(message, "results.csv: line 2: " + expected);
    }

    [TestMethod]
    public void Load_InfiniteXiC_Accepted()
    {
        // ξ_c is +∞ on the critical line: a legitimate value.
        using var dir = Directory("1,0.05,10,5,,1,Infinity,Infinity,near-critical,7,,\n");
        Assert.AreEqual(double.PositiveInfinity, SweepResults.Load(dir.Path).Records[0].XiC);
    }

    [TestMethod]
    [DataRow("1,0.05,11,true,0.5,1", "column 'depth' is '11'")]
    [DataRow("1,0.05,0,true,0.5,1", "column 'depth' is '0'")]
    [DataRow("1,0.05,4,true,NaN,1", "column 'bestTestAccuracy' is 'NaN'")]
    [DataRow("1,0.05,4,true,0.5,-2", "column 'epochs' is '-2'")]
    public void Load_GroundTruthRowTheSweepCannotWrite_Refused(string row, string expected)
    {
        using var dir = Directory(Good + "\n", truth: row + "\n");
        StringAssert.Contains(Refused(dir), "groundtruth.csv: line 2: " + expected);
    }

    [TestMethod]
    public void Load_CurveLayerBeyondTheDepth_Refused()
    {
        string curves = SweepFormatTests.CurvesFile(1.0) + "1,0.05,9,0.2,0.1,0.3,-Infinity,0.001\n";
        using var dir = Directory(Good + "\n", curves);

        StringAssert.Contains(Refused(dir), "curves.csv: line 10: layer 9 is outside this sweep's curve (layers 1 to 8 at depth 10)");
    }

    [TestMethod]
    public void Load_CurveLayerTwice_Refused()
    {
        string curves = SweepFormatTests.CurvesFile(1.0) + SweepFormatTests.CurveRows(1.0).Split('\n')[2] + "\n";
        using var dir = Directory(Good + "\n", curves);

        StringAssert.Contains(Refused(dir), "curves.csv: line 10: layer 3 of σ_w² = 1, σ_b² = 0.05 appears twice");
    }

    [TestMethod]
    public void Load_NonFiniteCurveValues_Accepted()
    {
        // A diverging network's curve holds NaN or ∞ (reported as divergence elsewhere); the file format must carry them.
        string curves = SweepFormatTests.CurvesFile(1.0).Replace("0.25,", "NaN,", StringComparison.Ordinal).Replace(",0.3,", ",Infinity,", StringComparison.Ordinal);
        using var dir = Directory(Good + "\n", curves);

        var results = SweepResults.Load(dir.Path);

        Assert.IsTrue(float.IsNaN(results.Curves[0].MedianRelativeEntropy));
        Assert.IsTrue(float.IsPositiveInfinity(results.Curves[0].MeanRelativeEntropy));
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Load_FinishedConfigurationWithoutItsWholeCurve_RefusedNamingIt(bool deleted)
    {
        // curves.csv deleted, or cut to the first five layers.
        string header = string.Join(',', SweepCurvePoint.Header) + "\n";
        string curves = deleted ? header : header + string.Concat(SweepFormatTests.CurveRows(1.0).Split('\n').Take(5).Select(l => l + "\n"));
        using var dir = Directory(Good + "\n", curves);
        if (deleted)
        {
            File.Delete(dir.Sub(SweepCurvePoint.FileName));
        }

        string message = Refused(dir);

        StringAssert.Contains(message, "curves.csv: the curve of σ_w² = 1, σ_b² = 0.05 is missing or incomplete although results.csv lists it as finished");
        StringAssert.Contains(message, "running the same sweep into this directory again recomputes them");
    }

    [TestMethod]
    public void Report_75MBCurvesFileBeyondTheDepth_RefusedBeforeReadingIt()
    {
        // The attack: a huge curves.csv whose layers go far beyond the depth. It must be refused by its size, not read.
        using var dir = Directory(Good + "\n");
        string curves = dir.Sub(SweepCurvePoint.FileName);
        using (var writer = new StreamWriter(curves, append: false, Encoding.ASCII))
        {
            writer.Write(string.Join(',', SweepCurvePoint.Header) + "\n");
            for (int layer = 1; writer.BaseStream.Length < 75_000_000; layer++)
            {
                writer.Write($"1,0.05,{layer},0.2,0.1,0.3,-Infinity,0.001\n");
            }
        }
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SweepReport.Write(dir.Path));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        StringAssert.Contains(ex.Message, "curves.csv: 75");
        StringAssert.Contains(ex.Message, "bytes this sweep's rows can fill");
        Assert.IsLessThan(16L * 1024 * 1024, allocated, $"{allocated} bytes allocated while refusing it");
    }
}
