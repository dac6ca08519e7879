using System.Globalization;
using Entropy.MLNet.Data;
using Entropy.MLNet.MLNet;
using Entropy.MLNet.Reporting;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Entropy.MLNet.Samples.ImagePipeline;

/// <summary>
/// An image folder → <c>LoadImages</c> → <c>ResizeImages</c> → <c>ExtractPixels</c> → reconstruction probe. Prints the
/// mean relative entropy per layer and writes a picture of one image and its reconstructions.
/// <para>Usage: <c>ImagePipeline [--images DIR] [--out DIR] [--sigma-w2 X] [--depth L] [--epochs N]</c>, or
/// <c>ImagePipeline make-images DIR</c> to write the tiny digit folder shipped with the sample.</para>
/// </summary>
public static class ImagePipelineSample
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out);

    /// <summary>Runs the sample, writing to <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Length == 2 && args[0] == "make-images")
        {
            MakeImages(args[1]);
            output.WriteLine($"Wrote 20 digit images to {args[1]}.");
            return 0;
        }
        string images = Option(args, "--images") ?? Path.Combine(AppContext.BaseDirectory, "images");
        string outDir = Option(args, "--out") ?? Directory.GetCurrentDirectory();
        double sigmaW2 = double.Parse(Option(args, "--sigma-w2") ?? "1.0", CultureInfo.InvariantCulture);
        int depth = int.Parse(Option(args, "--depth") ?? "10", CultureInfo.InvariantCulture);
        // Twenty images are few: several epochs let the decoders learn enough for a readable picture.
        int epochs = int.Parse(Option(args, "--epochs") ?? "30", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(outDir);

        var ml = new MLContext(seed: 1);
        // One row per file: the path relative to the folder, and the class from the subfolder's name.
        var files = Directory.EnumerateFiles(images, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => new ImageFile { ImagePath = Path.GetRelativePath(images, f), Label = Path.GetFileName(Path.GetDirectoryName(f)) ?? "" })
            .ToList();
        if (files.Count == 0)
        {
            output.WriteLine($"No PNG images under {images}.");
            return 1;
        }
        IDataView data = ml.Data.LoadFromEnumerable(files);

        var pipeline = ml.Transforms.LoadImages("Image", images, nameof(ImageFile.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", 28, 28, "Image", ImageResizingEstimator.ResizingKind.Fill))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1f / 255))
            .Append(ml.Trainability().ReconstructionProbe(new ReconstructionProbeEstimatorOptions
            {
                SigmaW2 = sigmaW2,
                Depth = depth,
                Width = "64",
                BatchSize = 4,
                Epochs = epochs,
                ReconstructionLayers = [1, depth / 2, depth],
            }));
        using var model = pipeline.Fit(data);
        var probe = model.LastTransformer;

        var rows = ml.Data.CreateEnumerable<Scored>(model.Transform(data), reuseRowObject: false).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} images, σ_w² = {sigmaW2}, σ_b² = 0.05, depth {depth}: mean relative entropy per layer"));
        for (int l = 0; l < probe.Model.CurveLength; l++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  layer {l + 1,3}: {rows.Average(r => r.RelativeEntropy[l]):F5}"));
        }

        // The first image and its reconstructions from the chosen layers, side by side.
        int size = probe.ImageShape.Size;
        var pictures = new List<float[]> { rows[0].Features };
        for (int k = 0; k < probe.ReconstructionLayers.Count; k++)
        {
            pictures.Add(rows[0].Reconstruction.AsSpan(k * size, size).ToArray());
        }
        string picture = Path.Combine(outDir, "reconstructions.png");
        using (var stream = File.Create(picture))
        {
            ReconstructionGrid.WriteRow(stream, pictures, probe.ImageShape.Channels, probe.ImageShape.Height, probe.ImageShape.Width);
        }
        output.WriteLine($"Reconstructions of {files[0].ImagePath} from layers {string.Join(", ", probe.ReconstructionLayers)}: {picture}");
        return 0;
    }

    /// <summary>Writes two digits per class from the embedded MNIST test subset as 28×28 PNGs in class subfolders.</summary>
    public static void MakeImages(string directory)
    {
        var mnist = DatasetCatalog.Load("mnist", "test");
        var perClass = new int[10];
        for (int i = 0; i < mnist.Count && perClass.Sum() < 20; i++)
        {
            int label = mnist.Labels[i];
            if (perClass[label] == 2)
            {
                continue;
            }
            var pixels = mnist.Image(i);
            var bgra = new byte[pixels.Length * 4];
            for (int p = 0; p < pixels.Length; p++)
            {
                byte v = (byte)Math.Round(Math.Clamp(pixels[p], 0f, 1f) * 255);
                bgra[(4 * p) + 0] = v;
                bgra[(4 * p) + 1] = v;
                bgra[(4 * p) + 2] = v;
                bgra[(4 * p) + 3] = 255;
            }
            string dir = Path.Combine(directory, label.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            using var image = MLImage.CreateFromPixels(28, 28, MLPixelFormat.Bgra32, bgra);
            image.Save(Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"{label}_{perClass[label]}.png")));
            perClass[label]++;
        }
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>An input row.</summary>
    public sealed class ImageFile
    {
        /// <summary>Path relative to the image folder.</summary>
        public string ImagePath { get; set; } = "";

        /// <summary>Class name (the subfolder).</summary>
        public string Label { get; set; } = "";
    }

    /// <summary>What the sample reads back.</summary>
    public sealed class Scored
    {
        /// <summary>The pixels fed to the probe.</summary>
        public float[] Features { get; set; } = [];

        /// <summary>Relative entropy per layer.</summary>
        public float[] RelativeEntropy { get; set; } = [];

        /// <summary>Reconstructions at the chosen layers.</summary>
        public float[] Reconstruction { get; set; } = [];
    }
}
