using System.Text.Json;
using System.Text.RegularExpressions;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Tests.Sweep;

namespace Entropy.MLNet.Tests.Cli;

/// <summary>
/// Every command's <c>--format json</c> document against the README's table of JSON fields (issue 13 §3): a
/// <c>schemaVersion</c> first, then exactly the documented fields in the documented order, one shape per concept
/// (<c>configurations</c> always an array of rows, <c>depth</c> the <c>--depth</c> D, <c>report</c> the report's path).
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class CliJsonShapeTests
{
    [TestMethod]
    public async Task Data_Json_IsTheDocumentedShape()
    {
        using JsonDocument doc = await RunJsonAsync("data", "--split", "test");
        AssertDocumented("data", doc.RootElement);
    }

    [TestMethod]
    public async Task Theory_OnePointAndARange_HaveTheSameShape()
    {
        using JsonDocument point = await RunJsonAsync("theory", "--sigma-w2", "1.5", "--depth", "50");
        using JsonDocument range = await RunJsonAsync("theory", "--range", "0.5,1,3", "--depth", "50");

        AssertDocumented("theory", point.RootElement);
        AssertDocumented("theory", range.RootElement);
        CollectionAssert.AreEqual(Keys(point.RootElement), Keys(range.RootElement));
        Assert.AreEqual(1, point.RootElement.GetProperty("configurations").GetArrayLength());
        Assert.AreEqual(3, range.RootElement.GetProperty("configurations").GetArrayLength());
        AssertFields("theory configurations[]", Nested("theory", "configurations[]"), Keys(point.RootElement.GetProperty("configurations")[0]));
        AssertFields("theory trainableBand", Nested("theory", "trainableBand"), Keys(point.RootElement.GetProperty("trainableBand")));
    }

    [TestMethod]
    public async Task Probe_Json_IsTheDocumentedShape()
    {
        using var dir = new TempDirectory();
        using JsonDocument doc = await RunJsonAsync("probe", "--sigma-w2", "1.5", "--depth", "5", "--width", "16", "--train-samples", "128",
            "--entropy-samples", "10", "--images", "2", "--threads", "1", "--device", "cpu", "--out", dir.Sub("probe"));

        AssertDocumented("probe", doc.RootElement);
        Assert.AreEqual(5, doc.RootElement.GetProperty("depth").GetInt32());
    }

    [TestMethod]
    public async Task Train_Json_IsTheDocumentedShape()
    {
        using JsonDocument doc = await RunJsonAsync("train", "--sigma-w2", "1.5", "--depth", "3", "--width", "16", "--train-samples", "128",
            "--epochs", "1", "--threads", "1", "--device", "cpu");

        AssertDocumented("train", doc.RootElement);
        Assert.AreEqual(doc.RootElement.GetProperty("testAccuracy").GetArrayLength(), doc.RootElement.GetProperty("epochsRun").GetInt32());
    }

    [TestMethod]
    public async Task SweepMergeReport_Json_AreTheDocumentedShapes()
    {
        using var dir = new TempDirectory();
        string[] tiny = ["sweep", "--sigma-w2", "1,2", "--depth", "4", "--width", "16", "--train-samples", "100", "--entropy-samples", "10",
            "--threads", "1", "--device", "cpu"];

        using JsonDocument sweep = await RunJsonAsync([.. tiny, "--out", dir.Sub("all")]);
        using JsonDocument shard0 = await RunJsonAsync([.. tiny, "--shard", "0/2", "--no-report", "--out", dir.Sub("s0")]);
        using JsonDocument shard1 = await RunJsonAsync([.. tiny, "--shard", "1/2", "--no-report", "--out", dir.Sub("s1")]);
        using JsonDocument merge = await RunJsonAsync("merge", dir.Sub("s0"), dir.Sub("s1"), "--out", dir.Sub("merged"));
        using JsonDocument report = await RunJsonAsync("report", dir.Sub("merged"));

        AssertDocumented("sweep", sweep.RootElement);
        AssertDocumented("sweep", shard0.RootElement);
        AssertDocumented("merge", merge.RootElement);
        AssertDocumented("report", report.RootElement);
        Assert.AreEqual(4, sweep.RootElement.GetProperty("depth").GetInt32());
        Assert.AreEqual(JsonValueKind.Array, sweep.RootElement.GetProperty("configurations").ValueKind);
        AssertFields("sweep configurations[]", Nested("sweep", "configurations[]"), Keys(sweep.RootElement.GetProperty("configurations")[0]));
        Assert.AreEqual(2, merge.RootElement.GetProperty("configurationCount").GetInt32());
        Assert.IsFalse(shard0.RootElement.TryGetProperty("report", out _), "--no-report writes no report path");
        Assert.AreEqual(Path.Combine(Path.GetFullPath(dir.Sub("all")), "report.html"), sweep.RootElement.GetProperty("report").GetString());
        Assert.AreEqual(Path.Combine(Path.GetFullPath(dir.Sub("merged")), "report.html"), report.RootElement.GetProperty("report").GetString());
    }

    [TestMethod]
    public async Task GroundTruthAndAgreement_Json_AreTheDocumentedShapes()
    {
        using var dir = new TempDirectory();
        using JsonDocument truth = await RunJsonAsync("groundtruth", "--sigma-w2", "1,2", "--width", "16", "--steps", "20", "--evaluate-every", "10",
            "--train-samples", "200", "--test-samples", "100", "--max-depth", "4", "--threads", "1", "--device", "cpu", "--out", dir.Sub("gt"));
        using JsonDocument agreement = await RunJsonAsync("agreement", "--truth", dir.Sub("gt"));

        AssertDocumented("groundtruth", truth.RootElement);
        AssertDocumented("agreement", agreement.RootElement);
        Assert.AreEqual(2, truth.RootElement.GetProperty("configurationCount").GetInt32());
        AssertFields("groundtruth boundaries[]", Nested("groundtruth", "boundaries[]"), Keys(truth.RootElement.GetProperty("boundaries")[0]));
        AssertFields("agreement groups[]", Nested("agreement", "groups[]"), Keys(agreement.RootElement.GetProperty("groups")[0]));
    }

    [TestMethod]
    public async Task Bench_Json_IsTheDocumentedShape()
    {
        using JsonDocument doc = await RunJsonAsync("bench", "--samples", "64", "--depth", "3", "--batch-size", "32", "--threads", "1");
        AssertDocumented("bench", doc.RootElement);
    }

    [TestMethod]
    public void SchemaVersion_IsFirst_AndAResultWithItsOwnIsABug()
    {
        string json = CliOutput.ToJson(new { Depth = 3, Upper = double.PositiveInfinity });
        using var doc = JsonDocument.Parse(json);

        List<string> expected = ["schemaVersion", "depth", "upper"];
        CollectionAssert.AreEqual(expected, Keys(doc.RootElement));
        Assert.AreEqual(CliOutput.SchemaVersion, doc.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.AreEqual("Infinity", doc.RootElement.GetProperty("upper").GetString());
        Assert.ThrowsExactly<InvalidOperationException>(() => CliOutput.ToJson(new { SchemaVersion = 0 }));
        List<int> notAnObject = [1, 2];
        Assert.ThrowsExactly<InvalidOperationException>(() => CliOutput.ToJson(notAnObject));
    }

    private static async Task<JsonDocument> RunJsonAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. args, "--format", "json"]);
        Assert.AreEqual(0, exit, $"{string.Join(' ', args)}: {stderr}");
        return JsonDocument.Parse(stdout);
    }

    private static List<string> Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    /// <summary>The fields present are the documented ones, in the documented order, with every field not marked '?' present.</summary>
    private static void AssertDocumented(string command, JsonElement root)
    {
        List<string> keys = Keys(root);
        Assert.AreEqual("schemaVersion", keys[0], command);
        Assert.AreEqual(CliOutput.SchemaVersion, root.GetProperty("schemaVersion").GetInt32(), command);
        AssertFields(command, Names(Row(command)[1]), keys);
    }

    /// <summary><paramref name="keys"/> hold every documented name without '?', nothing undocumented, in the documented order.</summary>
    private static void AssertFields(string context, List<string> documented, List<string> keys)
    {
        List<string> required = [.. documented.Where(n => !n.EndsWith('?'))];
        List<string> all = [.. documented.Select(n => n.TrimEnd('?'))];
        CollectionAssert.IsSubsetOf(required, keys, $"{context}: a documented field is missing; JSON has {string.Join(", ", keys)}");
        CollectionAssert.IsSubsetOf(keys, all, $"{context}: a field is not in the README's table; JSON has {string.Join(", ", keys)}");
        CollectionAssert.AreEqual(all.Where(keys.Contains).ToList(), keys, $"{context}: the order differs from the README's");
    }

    /// <summary>The field names listed after <c>`name`:</c> in the command's "nested" cell, up to the next ';'.</summary>
    private static List<string> Nested(string command, string name)
    {
        string cell = Row(command)[2];
        Match m = Regex.Match(cell, $"`{Regex.Escape(name)}`:([^;]*)");
        Assert.IsTrue(m.Success, $"README: {command} documents no `{name}`");
        return Names(m.Groups[1].Value);
    }

    private static List<string> Names(string cell) => [.. Regex.Matches(cell, "`([A-Za-z0-9]+\\??)`").Select(m => m.Groups[1].Value)];

    /// <summary>The cells of the README's JSON table row of <c>entropy COMMAND</c>.</summary>
    private static string[] Row(string command)
    {
        string table = CliConventionsTests.ReadmeSection("| command | JSON fields |");
        string? line = table.Split('\n').FirstOrDefault(l => l.StartsWith($"| `entropy {command}` |", StringComparison.Ordinal));
        Assert.IsNotNull(line, $"README's JSON table has no row for entropy {command}");
        return [.. line.Split('|', StringSplitOptions.TrimEntries)[1..^1]];
    }
}
