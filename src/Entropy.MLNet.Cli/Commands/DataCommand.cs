using System.CommandLine;
using System.Globalization;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Data;

namespace Entropy.MLNet.Cli.Commands;

/// <summary><c>entropy data</c>: loads a dataset split and prints its count, shape, classes and label histogram.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var dataDir = CommonOptions.DataDir();
        var seed = CommonOptions.Seed();
        var maxMemory = CommonOptions.MaxMemory();
        var dataset = new Option<string>("--dataset")
        {
            Description = "Dataset: mnist, fashion-mnist, cifar10, cifar10-gray, noise or folder:PATH (one subfolder per class).",
            DefaultValueFactory = _ => "mnist",
        };
        var split = new Option<string>("--split")
        {
            Description = "Split to load.",
            DefaultValueFactory = _ => "train",
        }.AcceptOnlyFromAmong("train", "test");
        var download = new Option<bool>("--download")
        {
            Description = $"mnist and fashion-mnist: fetch the official files first (SHA-256 verified) into the data directory or the cache; needs --download-url or ${DatasetDownloader.DownloadUrlVariable}.",
        };
        var downloadUrl = new Option<string?>("--download-url")
        {
            Description = "Base URL of the folder holding the dataset's official .gz files (file names are appended).",
        };
        var grayscale = new Option<bool>("--grayscale")
        {
            Description = "folder:PATH only: one channel (ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B) instead of RGB.",
        };
        var imageSize = new Option<string?>("--image-size")
        {
            Description = "folder:PATH only: resize every image to HxW (default: the first image's size; mixed sizes are an error).",
        };
        var noiseShape = new Option<string>("--noise-shape")
        {
            Description = "noise only: image shape CxHxW.",
            DefaultValueFactory = _ => "1x28x28",
        };
        var count = new Option<int?>("--count")
        {
            Description = $"noise only: number of images (default {WhiteNoise.DefaultTrainCount:N0} train, {WhiteNoise.DefaultTestCount:N0} test).",
        };
        var command = new Command("data",
            "Loads a dataset split and prints its count, shape, classes and label histogram.\n" +
            "Examples:\n  entropy data --dataset mnist\n  entropy data --dataset cifar10-gray --data-dir ~/data --split test --format json\n" +
            "  entropy data --dataset noise --noise-shape 3x32x32 --count 500 --seed 7\n  entropy data --dataset folder:./images --image-size 32x32 --grayscale")
        {
            dataset, dataDir, split, download, downloadUrl, grayscale, imageSize, noiseShape, count, seed, maxMemory, format,
        };
        CliAction.Set(command, format, async (parse, output, ct) =>
        {
            string name = parse.GetValue(dataset) ?? "mnist";
            string? dir = parse.GetValue(dataDir);
            bool isNoise = name.Trim().Equals("noise", StringComparison.OrdinalIgnoreCase);
            bool isFolder = name.Trim().StartsWith(DatasetCatalog.FolderPrefix, StringComparison.OrdinalIgnoreCase);
            RejectUnless(parse, isNoise, name, noiseShape, count);
            RejectUnless(parse, isFolder, name, grayscale, imageSize);
            if (parse.GetValue(download))
            {
                await DownloadAsync(name, dir, parse.GetValue(downloadUrl), output, ct).ConfigureAwait(false);
            }
            var request = new DatasetRequest(name)
            {
                Split = parse.GetValue(split) ?? "train",
                DataDir = dir,
                Grayscale = parse.GetValue(grayscale),
                ImageSize = parse.GetValue(imageSize) is { } size ? ImageSize.Parse(size) : null,
                NoiseShape = ImageShape.Parse(parse.GetValue(noiseShape) ?? "1x28x28"),
                NoiseCount = parse.GetValue(count),
                Seed = parse.GetValue(seed),
                MaxMemoryBytes = CommonOptions.ParseMaxMemory(parse.GetValue(maxMemory)),
            };
            var data = DatasetCatalog.Load(request);
            var summary = DatasetSummary.From(data);
            output.Write(summary, w => summary.WriteText(w));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Options that only one kind of dataset reads are an error elsewhere, rather than silently ignored.</summary>
    private static void RejectUnless(ParseResult parse, bool applies, string dataset, params Option[] options)
    {
        foreach (var option in options)
        {
            if (!applies && parse.GetResult(option) is { Implicit: false })
            {
                throw new ArgumentException($"{option.Name} does not apply to dataset '{dataset}'.");
            }
        }
    }

    private static async Task DownloadAsync(string dataset, string? dataDir, string? url, CliOutput output, CancellationToken ct)
    {
        if (!DatasetDownloader.Supports(dataset))
        {
            throw new ArgumentException($"--download supports mnist and fashion-mnist, not '{dataset}'.");
        }
        url ??= Environment.GetEnvironmentVariable(DatasetDownloader.DownloadUrlVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new ArgumentException(
                $"--download needs the base URL of the official files: pass --download-url BASE or set {DatasetDownloader.DownloadUrlVariable}.");
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl))
        {
            throw new ArgumentException($"--download-url '{url}' is not an absolute URL.");
        }
        string? root = !string.IsNullOrWhiteSpace(dataDir) ? dataDir : Environment.GetEnvironmentVariable(DatasetCatalog.DataDirVariable);
        using var client = new HttpClient();
        var progress = new SynchronousProgress(output.Status);
        await new DatasetDownloader(client).DownloadAsync(dataset, baseUrl, string.IsNullOrWhiteSpace(root) ? null : root, progress, ct)
            .ConfigureAwait(false);
    }

    /// <summary>Reports on the calling thread, so that status lines appear before the summary.</summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    /// <summary>The JSON document of <c>entropy data --format json</c>.</summary>
    internal sealed record DatasetSummary(
        string Dataset, string Source, bool Embedded, string Split, int Count, int[] Shape, IReadOnlyList<string> Classes, int[] LabelCounts)
    {
        public static DatasetSummary From(ImageDataset data) => new(data.Name, data.Source,
            data.Source == DatasetCatalog.EmbeddedSource, data.Split, data.Count, data.Shape, data.ClassNames, data.LabelCounts());

        public void WriteText(TextWriter w)
        {
            var inv = CultureInfo.InvariantCulture;
            w.WriteLine($"dataset  {Dataset} ({Split})");
            w.WriteLine(Embedded
                ? "source   embedded: the small MNIST subset shipped in the library (5,000 train / 1,000 test images), because no data directory was given, configured or cached"
                : $"source   {Source}");
            w.WriteLine(string.Create(inv, $"count    {Count:N0}"));
            w.WriteLine($"shape    {string.Join('x', Shape)} (C x H x W)");
            w.WriteLine(string.Create(inv, $"classes  {Classes.Count}"));
            int width = Math.Max(5, Classes.Max(c => c.Length));
            w.WriteLine($"  label  {"class".PadRight(width)}  count");
            for (int i = 0; i < Classes.Count; i++)
            {
                w.WriteLine(string.Create(inv, $"  {i,5}  {Classes[i].PadRight(width)}  {LabelCounts[i],5}"));
            }
        }
    }
}
