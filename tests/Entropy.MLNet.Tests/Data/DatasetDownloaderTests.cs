using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Entropy.MLNet.Data;

namespace Entropy.MLNet.Tests.Data;

[TestClass]
public sealed class DatasetDownloaderTests
{
    [TestMethod]
    public async Task DownloadAsync_MatchingHashes_WritesFilesThatLoad()
    {
        using var files = new DataFiles();
        var served = new Dictionary<string, byte[]>
        {
            ["train-images-idx3-ubyte.gz"] = DataFiles.Gzip(DataFiles.IdxImages(10, 2, 2, DataFiles.Pixels(40))),
            ["train-labels-idx1-ubyte.gz"] = DataFiles.Gzip(DataFiles.IdxLabels([.. Enumerable.Range(0, 10).Select(i => (byte)i)])),
        };
        using var server = new LocalServer(served);
        using var client = new HttpClient();
        var manifest = served.Select(kv => new DownloadFile(kv.Key, Sha256(kv.Value))).ToList();
        var lines = new List<string>();

        string dir = await new DatasetDownloader(client).DownloadAsync(manifest, server.BaseUrl, files.PathOf("data", "mnist"),
            new InlineProgress(lines.Add), TestContext.CancellationToken);

        Assert.AreEqual(files.PathOf("data", "mnist"), dir);
        CollectionAssert.AreEqual(served["train-labels-idx1-ubyte.gz"], File.ReadAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte.gz")));
        Assert.AreEqual(2, lines.Count(l => l.Contains("downloaded", StringComparison.Ordinal)));
        Assert.AreEqual(10, DatasetCatalog.Load("mnist", "train", files.PathOf("data")).Count);
        Assert.IsEmpty(Directory.GetFiles(dir, "*.tmp"));

        // A second run finds the files and does not fetch them again.
        lines.Clear();
        await new DatasetDownloader(client).DownloadAsync(manifest, server.BaseUrl, dir, new InlineProgress(lines.Add), TestContext.CancellationToken);
        Assert.AreEqual(2, server.Requests);
        Assert.AreEqual(2, lines.Count(l => l.Contains("present", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task DownloadAsync_HashMismatch_DeletesTempFileAndNamesFileAndBothHashes()
    {
        using var files = new DataFiles();
        var body = DataFiles.Gzip(DataFiles.IdxLabels([1, 2, 3]));
        using var server = new LocalServer(new() { ["t10k-labels-idx1-ubyte.gz"] = body });
        using var client = new HttpClient();
        string expected = new('a', 64);
        string dir = files.PathOf("target");

        var ex = await Assert.ThrowsExactlyAsync<InvalidDataException>(() => new DatasetDownloader(client).DownloadAsync(
            [new DownloadFile("t10k-labels-idx1-ubyte.gz", expected)], server.BaseUrl, dir, cancellationToken: TestContext.CancellationToken));

        StringAssert.Contains(ex.Message, "t10k-labels-idx1-ubyte.gz");
        StringAssert.Contains(ex.Message, expected);
        StringAssert.Contains(ex.Message, Sha256(body));
        Assert.IsEmpty(Directory.GetFiles(dir));
    }

    [TestMethod]
    public async Task DownloadAsync_MissingOnServer_ThrowsHttpRequestExceptionNamingUrl()
    {
        using var files = new DataFiles();
        using var server = new LocalServer([]);
        using var client = new HttpClient();

        var ex = await Assert.ThrowsExactlyAsync<HttpRequestException>(() => new DatasetDownloader(client).DownloadAsync(
            [new DownloadFile("absent.gz", new string('0', 64))], server.BaseUrl, files.Root, cancellationToken: TestContext.CancellationToken));

        StringAssert.Contains(ex.Message, "absent.gz");
        StringAssert.Contains(ex.Message, "404");
        Assert.IsEmpty(Directory.GetFiles(files.Root));
    }

    [TestMethod]
    public void OfficialFiles_UseThePublishedSha256()
    {
        var mnist = DatasetDownloader.OfficialFiles("MNIST");
        var fashion = DatasetDownloader.OfficialFiles("fashion-mnist");

        Assert.AreEqual(4, mnist.Count);
        Assert.AreEqual("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            mnist.Single(f => f.FileName == "train-images-idx3-ubyte.gz").Sha256);
        Assert.AreEqual("67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            fashion.Single(f => f.FileName == "t10k-labels-idx1-ubyte.gz").Sha256);
        Assert.ThrowsExactly<ArgumentException>(() => DatasetDownloader.OfficialFiles("cifar10"));
    }

    [TestMethod]
    public void OfficialFiles_MatchSharedDataWhenPresent()
    {
        string? shared = SharedData.Directory;
        if (shared is null)
        {
            Assert.Inconclusive("../shared/data is not present.");
        }
        var sums = File.ReadAllLines(Path.Combine(shared, "SHA256SUMS"))
            .Select(l => l.Split("  ")).ToDictionary(p => p[1], p => p[0]);
        foreach (string dataset in new[] { "mnist", "fashion-mnist" })
        {
            foreach (var file in DatasetDownloader.OfficialFiles(dataset))
            {
                Assert.AreEqual(sums[$"{dataset}/{file.FileName}"], file.Sha256, $"{dataset}/{file.FileName}");
            }
        }
    }

    public TestContext TestContext { get; set; } = null!;

    internal static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private sealed class InlineProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    /// <summary>A minimal HTTP server on 127.0.0.1 serving fixed files; everything else is 404.</summary>
    internal sealed class LocalServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Dictionary<string, byte[]> _files;
        private readonly Task _loop;
        private int _requests;

        public LocalServer(Dictionary<string, byte[]> files)
        {
            _files = files;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUrl = new Uri($"http://127.0.0.1:{port}/data/");
            _listener.Prefixes.Add(BaseUrl.AbsoluteUri);
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public Uri BaseUrl { get; }

        public int Requests => Volatile.Read(ref _requests);

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                Interlocked.Increment(ref _requests);
                string name = context.Request.Url!.Segments[^1];
                using var response = context.Response;
                if (_files.TryGetValue(name, out var body))
                {
                    response.StatusCode = 200;
                    response.ContentLength64 = body.Length;
                    await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
                }
                else
                {
                    response.StatusCode = 404;
                }
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
