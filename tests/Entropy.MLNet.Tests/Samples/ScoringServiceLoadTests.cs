using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Entropy.MLNet.Samples.ScoringService;
using Entropy.MLNet.Tests.MLNet;

namespace Entropy.MLNet.Tests.Samples;

/// <summary>
/// Bounded load on the scoring sample in a child process, loopback only, a fixed number of requests: the work and memory
/// the service takes on stay bounded. Asserts bounds on memory and work in flight, never on latency.
/// </summary>
[TestClass]
[DoNotParallelize] // several hundred MB of traffic and every core busy: alone, so other tests are not disturbed
public sealed class ScoringServiceLoadTests
{
    private const long PeakLimitBytes = 500L * 1024 * 1024;
    private const int BigBodies = 8;
    private const int BigBodyBytes = 29 * 1000 * 1000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task EightConcurrent29MBBodies_ServicePeakMemoryStaysBelow500MB()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Reads the service's peak memory from /proc.");
        }
        var ct = TestContext.CancellationToken;
        string dir = MLNetFixtures.TempDirectory("scoring-load");
        using var service = ScoringServiceProcess.Start(ScoringFixtures.SaveModel(dir));
        using var http = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(120) };
        long before = service.PeakResidentBytes();
        // Millions of items: a service that parses the whole body before it counts holds them all (GBs at 8 bodies).
        byte[] body = DenseArray(BigBodyBytes);

        // Half announce their length (refused before reading), half are chunked (refused while reading).
        var codes = await Task.WhenAll(Enumerable.Range(0, BigBodies).Select(i => PostAsync(http, body, chunked: i % 2 == 1, ct)));

        Assert.IsTrue(await ScoringServiceProcess.WaitForAsync(http, h => h.ScoringInFlight == 0, TimeSpan.FromSeconds(30), ct), "work still in flight 30 s after the bodies");
        long peak = service.PeakResidentBytes();
        TestContext.WriteLine($"service peak resident: {before / 1048576} MiB before, {peak / 1048576} MiB after {BigBodies} concurrent {BigBodyBytes / 1000000} MB bodies; answers: {string.Join(", ", codes)}");
        Assert.IsLessThan(PeakLimitBytes, peak, $"peak {peak / 1048576} MiB");
        // Every body was refused (413 too large, 503 busy, or the connection closed while still uploading), none scored.
        Assert.IsTrue(codes.All(c => c is 0 or 413 or 503), string.Join(", ", codes));
        Directory.Delete(dir, recursive: true);
    }

    [TestMethod]
    public async Task ClientsDisconnect_WorkInFlightReturnsToZeroWithinASecond()
    {
        var ct = TestContext.CancellationToken;
        string dir = MLNetFixtures.TempDirectory("scoring-abort");
        using var service = ScoringServiceProcess.Start(ScoringFixtures.SaveModel(dir));
        using var http = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(120) };
        int limit = (await ScoringServiceProcess.HealthAsync(http, ct)).ScoringLimit;
        using var clients = CancellationTokenSource.CreateLinkedTokenSource(ct);

        // Full batches of distinct σ_w² values: each item costs fresh mean-field work (seconds per request in all).
        var slow = Enumerable.Range(0, limit).Select(i => PostAsync(http, DistinctBatch(seed: i), chunked: false, clients.Token)).ToList();
        Assert.IsTrue(await ScoringServiceProcess.WaitForAsync(http, h => h.ScoringInFlight == limit, TimeSpan.FromSeconds(60), ct), "the batches never filled the service");
        // Full: one more request is turned away at once, and /health still answers.
        Assert.AreEqual(503, await PostAsync(http, "[{\"sigmaW2\":1.5,\"sigmaB2\":0.05,\"depth\":3}]"u8.ToArray(), chunked: false, ct));
        Assert.AreEqual("ok", (await ScoringServiceProcess.HealthAsync(http, ct)).Status);

        await clients.CancelAsync();
        var watch = Stopwatch.StartNew();
        bool drained = await ScoringServiceProcess.WaitForAsync(http, h => h.ScoringInFlight == 0, TimeSpan.FromSeconds(1), ct);
        TestContext.WriteLine($"{limit} abandoned batches; work in flight back to 0 after {watch.ElapsedMilliseconds} ms: {drained}");
        Assert.IsTrue(drained, "work still in flight one second after every client disconnected");
        CollectionAssert.AreEquivalent(Enumerable.Repeat(-1, limit).ToList(), (await Task.WhenAll(slow)).ToList(), "a batch finished before its client left; the test did not test cancellation");
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Posts <paramref name="body"/> to /score; the status code, 0 when the server closed the connection, -1 when cancelled.</summary>
    private static async Task<int> PostAsync(HttpClient http, byte[] body, bool chunked, CancellationToken ct)
    {
        using HttpContent content = chunked ? new StreamContent(new MemoryStream(body, writable: false)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/score", UriKind.Relative)) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        try
        {
            using var response = await http.SendAsync(request, ct);
            return (int)response.StatusCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return -1;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>A JSON array of empty objects, the most items per byte (about 9.7 million in 29 MB).</summary>
    private static byte[] DenseArray(int bytes)
    {
        var body = new byte[bytes];
        body[0] = (byte)'[';
        for (int i = 1; i + 3 <= bytes - 1; i += 3)
        {
            body[i] = (byte)'{';
            body[i + 1] = (byte)'}';
            body[i + 2] = (byte)',';
        }
        int last = 1 + ((bytes - 2) / 3 * 3) - 1; // the last comma
        body[last] = (byte)']';
        for (int i = last + 1; i < bytes; i++)
        {
            body[i] = (byte)' ';
        }
        return body;
    }

    private static byte[] DistinctBatch(int seed)
    {
        var random = new Random(seed);
        var items = Enumerable.Range(0, ScoringApp.MaxBatch).Select(_ => string.Create(CultureInfo.InvariantCulture,
            $"{{\"sigmaW2\":{ScoringFixtures.LowestSigmaW2 + ((ScoringFixtures.HighestSigmaW2 - ScoringFixtures.LowestSigmaW2) * random.NextDouble()):R},\"sigmaB2\":0.05,\"depth\":3}}"));
        return Encoding.UTF8.GetBytes("[" + string.Join(',', items) + "]");
    }
}
