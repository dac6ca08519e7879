using System.Diagnostics;
using System.Text.Json;
using Entropy.MLNet.Data;
using Entropy.MLNet.MLNet;
using Entropy.MLNet.ModelHost;
using Microsoft.ML;

namespace Entropy.MLNet.Tests.MLNet;

/// <summary>Small, fast inputs for the ML.NET component tests.</summary>
internal static class MLNetFixtures
{
    public static readonly ImageShape Shape = new(1, 6, 6);

    public static ImageDataset Images(int count = 160, int seed = 3) => WhiteNoise.Generate(Shape, count, 10, seed);

    /// <summary>A tiny probe: 36 inputs, width 16, depth 6 (curve of 4 layers).</summary>
    public static ReconstructionProbeEstimatorOptions ProbeOptions(params int[] reconstructionLayers) => new()
    {
        SigmaW2 = 1.5,
        Depth = 6,
        Width = "16",
        BatchSize = 32,
        Device = Entropy.MLNet.Runtime.DeviceKind.Cpu,
        ReconstructionLayers = reconstructionLayers,
    };

    public static string TempDirectory(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "entropy-mlnet-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs the model host in a child process (<c>dotnet exec</c>) and returns its output columns.</summary>
    public static Dictionary<string, JsonElement> RunHost(string mode, string model, object input, string dir, int timeoutSeconds = 60)
    {
        string inputPath = Path.Combine(dir, "host-input.json");
        string outputPath = Path.Combine(dir, "host-output.json");
        File.WriteAllText(inputPath, JsonSerializer.Serialize(input));
        var (exitCode, stderr) = StartHost(mode, model, inputPath, outputPath, timeoutSeconds);
        Assert.AreEqual(0, exitCode, "model host failed: " + stderr);
        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(outputPath))!;
    }

    /// <summary>Only loads <paramref name="model"/> in a child process; returns its exit code and what it measured.</summary>
    public static (int ExitCode, LoadReport Report) RunHostLoad(string model, string dir)
    {
        string outputPath = Path.Combine(dir, $"host-load-{Guid.NewGuid():N}.json");
        var (exitCode, stderr) = StartHost("load", model, "-", outputPath);
        Assert.IsTrue(File.Exists(outputPath), $"model host wrote no report (exit code {exitCode}): {stderr}");
        return (exitCode, JsonSerializer.Deserialize<LoadReport>(File.ReadAllText(outputPath))!);
    }

    private static (int ExitCode, string Stderr) StartHost(string mode, string model, string inputPath, string outputPath, int timeoutSeconds = 60)
    {
        string hostDll = typeof(ModelHostProgram).Assembly.Location;
        string baseName = Path.Combine(Path.GetDirectoryName(hostDll)!, Path.GetFileNameWithoutExtension(hostDll));
        // The host's own runtimeconfig/deps come along with the project reference; fall back to the test host's.
        string testBase = Path.Combine(AppContext.BaseDirectory, Path.GetFileNameWithoutExtension(typeof(MLNetFixtures).Assembly.Location));
        string config = File.Exists(baseName + ".runtimeconfig.json") ? baseName + ".runtimeconfig.json" : testBase + ".runtimeconfig.json";
        string deps = File.Exists(baseName + ".deps.json") ? baseName + ".deps.json" : testBase + ".deps.json";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "exec", "--runtimeconfig", config, "--depsfile", deps, hostDll, mode, model, inputPath, outputPath })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        // Both streams are drained in the background, so that the timeout below really bounds the wait.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderrText = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The model host did not finish within {timeoutSeconds} s.");
        }
        stdout.Wait();
        string stderr = stderrText.Result;
        return (process.ExitCode, stderr);
    }

    /// <summary>The in-process columns in the same JSON form as the host writes.</summary>
    public static Dictionary<string, JsonElement> Columns(IDataView data) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(ModelHostProgram.ReadColumns(data)))!;

    public static ImageInput ImageInput(ImageDataset images, int count) => new()
    {
        Column = DatasetDataView.FeaturesColumn,
        Dimensions = images.Shape,
        Rows = [.. Enumerable.Range(0, count).Select(i => images.Image(i).ToArray())],
    };

    public static IDataView View(MLContext ml, ImageInput input) => ModelHostProgram.ImagesView(ml, input);
}
