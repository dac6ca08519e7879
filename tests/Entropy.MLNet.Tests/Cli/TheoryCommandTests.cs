using System.Text.Json;

namespace Entropy.MLNet.Tests.Cli;

[TestClass]
public sealed class TheoryCommandTests
{
    [TestMethod]
    public async Task Theory_PointJson_HasTheMeanFieldFields()
    {
        var (code, output, error) = await CliRunner.RunAsync("theory", "--activation", "tanh", "--sigma-b2", "0.05", "--sigma-w2", "3.0", "--format", "json");
        Assert.AreEqual(0, code, error);
        using var doc = JsonDocument.Parse(output);
        var top = doc.RootElement;
        Assert.AreEqual(1, top.GetProperty("configurations").GetArrayLength());
        var root = top.GetProperty("configurations")[0];
        Assert.AreEqual(1.428008, root.GetProperty("qStar").GetDouble(), 1e-6);
        Assert.AreEqual(1.208934, root.GetProperty("chi1").GetDouble(), 1e-6);
        Assert.AreEqual(0.299318, root.GetProperty("cStar").GetDouble(), 1e-6);
        Assert.AreEqual(0.895405, root.GetProperty("chiC").GetDouble(), 1e-6);
        Assert.AreEqual(1.041, root.GetProperty("xiQ").GetDouble(), 1e-3);
        Assert.AreEqual(9.051, root.GetProperty("xiC").GetDouble(), 1e-3);
        Assert.AreEqual(6 * root.GetProperty("xiC").GetDouble(), root.GetProperty("sixXiC").GetDouble(), 1e-12);
        Assert.AreEqual("chaotic", root.GetProperty("phase").GetString());
        Assert.AreEqual(1.760955, top.GetProperty("criticalSigmaW2").GetDouble(), 1e-5);
        Assert.AreEqual(3.0, root.GetProperty("sigmaW2").GetDouble());
    }

    [TestMethod]
    public async Task Theory_NoSigmaW2_WritesCriticalPointAndDefaultTable()
    {
        var (code, output, error) = await CliRunner.RunAsync("theory", "--sigma-b2", "0.05", "--format", "json");
        Assert.AreEqual(0, code, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.AreEqual(1.760955, root.GetProperty("criticalSigmaW2").GetDouble(), 1e-5);
        var table = root.GetProperty("configurations");
        Assert.AreEqual(15, table.GetArrayLength()); // 0.5:4.0:0.25
        var first = table[0];
        Assert.AreEqual(0.5, first.GetProperty("sigmaW2").GetDouble());
        Assert.AreEqual(1.191, first.GetProperty("xiC").GetDouble(), 1e-3);
        Assert.AreEqual("ordered", first.GetProperty("phase").GetString());
        Assert.AreEqual(4.0, table[14].GetProperty("sigmaW2").GetDouble());
        Assert.AreEqual(0.16506, table[14].GetProperty("cStar").GetDouble(), 1e-5);
    }

    [TestMethod]
    public async Task Theory_RangeListAndDepth_GivesRowsAndTrainableBand()
    {
        var (code, output, error) = await CliRunner.RunAsync("theory", "--range", "0.5,1,3", "--depth", "100", "--format", "json");
        Assert.AreEqual(0, code, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.AreEqual(3, root.GetProperty("configurations").GetArrayLength());
        Assert.AreEqual(3.627, root.GetProperty("configurations")[1].GetProperty("xiC").GetDouble(), 1e-3);
        var band = root.GetProperty("trainableBand");
        Assert.AreEqual(100, band.GetProperty("depth").GetInt32());
        Assert.AreEqual(1.512, band.GetProperty("lower").GetDouble(), 2e-3);
        Assert.AreEqual(2.183, band.GetProperty("upper").GetDouble(), 2e-3);
    }

    [TestMethod]
    public async Task Theory_CriticalPointJson_WritesInfinityAsNamedLiteral()
    {
        var (code, output, error) = await CliRunner.RunAsync("theory", "--sigma-b2", "0", "--sigma-w2", "1", "--format", "json");
        Assert.AreEqual(0, code, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement.GetProperty("configurations")[0];
        Assert.AreEqual("Infinity", root.GetProperty("xiC").GetString());
        Assert.AreEqual("Infinity", root.GetProperty("sixXiC").GetString());
        Assert.AreEqual("critical", root.GetProperty("phase").GetString());
        Assert.AreEqual(0.0, root.GetProperty("qStar").GetDouble());
        Assert.AreEqual(1.0, doc.RootElement.GetProperty("criticalSigmaW2").GetDouble(), 1e-10);
    }

    [TestMethod]
    public async Task Theory_Text_PrintsCriticalPointAndAlignedTable()
    {
        var (code, output, error) = await CliRunner.RunAsync("theory", "--range", "0.5:1.0:0.25");
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Critical sigma_w^2 = 1.760955");
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int header = Array.FindIndex(lines, l => l.StartsWith("sigma_w^2", StringComparison.Ordinal));
        Assert.IsTrue(header > 0, output);
        Assert.AreEqual(3, lines.Length - header - 1, output);
        StringAssert.StartsWith(lines[header + 1], "0.50");
        StringAssert.Contains(lines[header + 3], "3.627");
        StringAssert.EndsWith(lines[header + 3], "ordered");
    }

    [TestMethod]
    public async Task Theory_Relu_CriticalPointIsTwo()
    {
        var (code, output, error) = await CliRunner.RunAsync("theory", "--activation", "relu", "--sigma-b2", "0", "--sigma-w2", "1.5", "--format", "json");
        Assert.AreEqual(0, code, error);
        using var doc = JsonDocument.Parse(output);
        Assert.AreEqual(2.0, doc.RootElement.GetProperty("criticalSigmaW2").GetDouble(), 1e-10);
        Assert.AreEqual(0.75, doc.RootElement.GetProperty("configurations")[0].GetProperty("chi1").GetDouble(), 1e-12);
    }

    [TestMethod]
    [DataRow("--sigma-w2", "0", "--sigma-w2")]
    [DataRow("--sigma-w2", "-1", "--sigma-w2")]
    [DataRow("--sigma-w2", "NaN", "--sigma-w2")]
    [DataRow("--sigma-b2", "-0.1", "--sigma-b2")]
    [DataRow("--sigma-b2", "NaN", "--sigma-b2")]
    [DataRow("--activation", "sigmoid", "--activation")]
    [DataRow("--range", "4:0.5:0.1", "--range")]
    [DataRow("--range", "0.5:4:0", "--range")]
    [DataRow("--range", "0:1:0.5", "--range")]
    [DataRow("--depth", "0", "--depth")]
    public async Task Theory_BadInput_OneLineErrorAndExitOne(string option, string value, string named)
    {
        var (code, output, error) = await CliRunner.RunAsync("theory", option, value);
        Assert.AreEqual(1, code);
        Assert.AreEqual(string.Empty, output);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(1, lines.Length, error);
        StringAssert.StartsWith(lines[0], "entropy theory: error:");
        StringAssert.Contains(lines[0], named);
        Assert.IsFalse(lines[0].Contains("(Parameter", StringComparison.Ordinal), error);
    }

    [TestMethod]
    public async Task Theory_RangeWithSigmaW2_IsRefused()
    {
        var (code, _, error) = await CliRunner.RunAsync("theory", "--sigma-w2", "1", "--range", "0.5:1:0.1");
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "--range");
    }

    [TestMethod]
    public async Task Theory_Help_CarriesAnExample()
    {
        var (code, output, _) = await CliRunner.RunAsync("theory", "--help");
        Assert.AreEqual(0, code);
        StringAssert.Contains(output, "Example: entropy theory");
        StringAssert.Contains(output, "--sigma-b2");
    }
}
