using System.Security.Cryptography;

namespace Entropy.MLNet.Data;

/// <summary>One file a download fetches, with its expected SHA-256 (lower-case hex).</summary>
/// <param name="FileName">File name, relative to the base URL and to the target directory.</param>
/// <param name="Sha256">Expected SHA-256 of the file's bytes as served, 64 hex digits.</param>
public sealed record DownloadFile(string FileName, string Sha256);

/// <summary>
/// Downloads the official gzip IDX files of MNIST and Fashion-MNIST into a data directory, verifying each against its
/// published SHA-256. The base URL (the folder that holds a dataset's four files) is always the caller's: the library
/// names no host. Each file is written to a temporary name and renamed only after its hash matched; a mismatch deletes
/// the temporary file and throws. Files already present with the right hash are not fetched again.
/// </summary>
/// <param name="client">The HTTP client to use (not disposed).</param>
public sealed class DatasetDownloader(HttpClient client)
{
    /// <summary>Environment variable the CLI reads the base URL from when <c>--download-url</c> is not given.</summary>
    public const string DownloadUrlVariable = "ENTROPY_MLNET_DOWNLOAD_URL";

    /// <summary>Largest file accepted (bytes); the official files are at most 27 MB.</summary>
    public long MaxFileBytes { get; init; } = 1L << 30;

    private static readonly DownloadFile[] Mnist =
    [
        new("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        new("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        new("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        new("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    ];

    private static readonly DownloadFile[] FashionMnist =
    [
        new("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
        new("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
        new("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
        new("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
    ];

    /// <summary>Whether <paramref name="dataset"/> can be downloaded (<c>mnist</c>, <c>fashion-mnist</c>).</summary>
    public static bool Supports(string dataset) => dataset?.Trim().ToLowerInvariant() is "mnist" or "fashion-mnist";

    /// <summary>The official files of <paramref name="dataset"/> with their SHA-256.</summary>
    /// <exception cref="ArgumentException">The dataset cannot be downloaded.</exception>
    public static IReadOnlyList<DownloadFile> OfficialFiles(string dataset) => dataset?.Trim().ToLowerInvariant() switch
    {
        "mnist" => Mnist,
        "fashion-mnist" => FashionMnist,
        _ => throw new ArgumentException($"Dataset '{dataset}' cannot be downloaded; --download supports mnist and fashion-mnist.", nameof(dataset)),
    };

    /// <summary>Downloads the official files of <paramref name="dataset"/> into <c>dataRoot/dataset</c>.</summary>
    /// <param name="dataset"><c>mnist</c> or <c>fashion-mnist</c>.</param>
    /// <param name="baseUrl">The URL of the folder holding the dataset's files; file names are appended.</param>
    /// <param name="dataRoot">The data directory; null for <see cref="DatasetCatalog.CacheDirectory"/>.</param>
    /// <param name="progress">Receives one line per file.</param>
    /// <param name="cancellationToken">Cancels the download; the partial file is deleted.</param>
    /// <returns>The directory the files are in.</returns>
    public Task<string> DownloadAsync(string dataset, Uri baseUrl, string? dataRoot = null,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var files = OfficialFiles(dataset);
        string target = Path.Combine(dataRoot ?? DatasetCatalog.CacheDirectory, dataset.Trim().ToLowerInvariant());
        return DownloadAsync(files, baseUrl, target, progress, cancellationToken);
    }

    /// <summary>Downloads <paramref name="files"/> from <paramref name="baseUrl"/> into <paramref name="targetDirectory"/>.</summary>
    /// <param name="files">The files and their expected SHA-256.</param>
    /// <param name="baseUrl">The URL of the folder holding the files (http or https).</param>
    /// <param name="targetDirectory">Where the files go (created when missing).</param>
    /// <param name="progress">Receives one line per file.</param>
    /// <param name="cancellationToken">Cancels the download; the partial file is deleted.</param>
    /// <returns><paramref name="targetDirectory"/>.</returns>
    /// <exception cref="HttpRequestException">The server refused a file (the message names the URL and status).</exception>
    /// <exception cref="InvalidDataException">A file's SHA-256 differs from the expected one (message names file and both hashes).</exception>
    public async Task<string> DownloadAsync(IReadOnlyList<DownloadFile> files, Uri baseUrl, string targetDirectory,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetDirectory);
        if (!baseUrl.IsAbsoluteUri || baseUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"Download URL '{baseUrl}' must be an absolute http or https URL.", nameof(baseUrl));
        }
        var folder = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        Directory.CreateDirectory(targetDirectory);
        foreach (var file in files)
        {
            string path = Path.Combine(targetDirectory, file.FileName);
            if (File.Exists(path) && string.Equals(await HashFileAsync(path, cancellationToken).ConfigureAwait(false), file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                progress?.Report($"{path}: present, SHA-256 verified");
                continue;
            }
            var url = new Uri(folder, file.FileName);
            await DownloadFileAsync(url, path, file.Sha256, cancellationToken).ConfigureAwait(false);
            progress?.Report($"{path}: downloaded, SHA-256 verified");
        }
        return targetDirectory;
    }

    private async Task DownloadFileAsync(Uri url, string path, string expected, CancellationToken cancellationToken)
    {
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            string actual;
            using (var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"{url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
                }
                if (response.Content.Headers.ContentLength > MaxFileBytes)
                {
                    throw new InvalidDataException($"{url}: {response.Content.Headers.ContentLength} bytes is more than the {MaxFileBytes} accepted.");
                }
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                    await using (output.ConfigureAwait(false))
                    {
                        var buffer = new byte[1 << 16];
                        long total = 0;
                        int read;
                        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                        {
                            total += read;
                            if (total > MaxFileBytes)
                            {
                                throw new InvalidDataException($"{url}: more than the {MaxFileBytes} bytes accepted.");
                            }
                            hash.AppendData(buffer, 0, read);
                            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"{Path.GetFileName(path)} from {url}: SHA-256 mismatch, expected {expected.ToLowerInvariant()} but got {actual}; the download was discarded.");
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }
}
