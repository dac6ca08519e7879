using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Entropy.MLNet.Samples.ScoringService;

namespace Entropy.MLNet.Tests.Samples;

/// <summary>The scoring sample in a child process (<c>dotnet exec</c>) on a free loopback port, so that its memory can be measured alone.</summary>
internal sealed class ScoringServiceProcess : IDisposable
{
    private readonly Process _process;

    private ScoringServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>http://127.0.0.1:PORT/.</summary>
    public Uri Address { get; }

    public static ScoringServiceProcess Start(string modelPath)
    {
        string dll = typeof(ScoringApp).Assembly.Location;
        string baseName = Path.Combine(Path.GetDirectoryName(dll)!, Path.GetFileNameWithoutExtension(dll));
        // The sample's own runtimeconfig/deps come along with the project reference; fall back to the test host's.
        string testBase = Path.Combine(AppContext.BaseDirectory, Path.GetFileNameWithoutExtension(typeof(ScoringServiceProcess).Assembly.Location));
        string config = File.Exists(baseName + ".runtimeconfig.json") ? baseName + ".runtimeconfig.json" : testBase + ".runtimeconfig.json";
        string deps = File.Exists(baseName + ".deps.json") ? baseName + ".deps.json" : testBase + ".deps.json";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "exec", "--runtimeconfig", config, "--depsfile", deps, dll, "--model", modelPath, "--port", "0" })
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        // The sample prints "listening on http://127.0.0.1:PORT" once it accepts connections.
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(60)) || line.Result is not { } text || !text.StartsWith("listening on ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new AssertFailedException("The scoring service did not start within 60 s.");
        }
        return new ScoringServiceProcess(process, new Uri(text["listening on ".Length..]));
    }

    /// <summary>The peak resident set of the service so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes()
    {
        string line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    public static async Task<HealthResponse> HealthAsync(HttpClient http, CancellationToken ct)
        => (await http.GetFromJsonAsync<HealthResponse>(new Uri("/health", UriKind.Relative), ct).ConfigureAwait(false))!;

    /// <summary>Polls /health until <paramref name="condition"/> holds or <paramref name="within"/> has passed; returns whether it held.</summary>
    public static async Task<bool> WaitForAsync(HttpClient http, Func<HealthResponse, bool> condition, TimeSpan within, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        do
        {
            if (condition(await HealthAsync(http, ct).ConfigureAwait(false)))
            {
                return true;
            }
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
        while (watch.Elapsed < within);
        return condition(await HealthAsync(http, ct).ConfigureAwait(false));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
