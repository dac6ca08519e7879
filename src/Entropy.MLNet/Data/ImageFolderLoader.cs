using Entropy.MLNet.Runtime;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using SkiaSharp;

namespace Entropy.MLNet.Data;

/// <summary>
/// Loads a folder of images through ML.NET ImageAnalytics (<c>LoadImages</c> → <c>ResizeImages</c> →
/// <c>ExtractPixels</c> with scale 1/255, planar CHW). Layout: one subfolder per class, the class name being the
/// subfolder's name and classes sorted ordinally; images anywhere below a class folder belong to it. A folder with images
/// directly inside and no class subfolders is one class named after the folder. When the folder has <c>train/</c> and
/// <c>test/</c> subfolders, the requested split's subfolder is used.
/// </summary>
/// <remarks>
/// Before anything is decoded, every file's size (at most <see cref="MaxFileBytes"/>) and the dimensions its header
/// declares (at most <see cref="MaxPixels"/> pixels, read with <see cref="SKCodec"/> without decoding) are checked, and
/// so is the memory the whole set will take as floats (at most the <see cref="MemoryBudget.Default"/> budget). Then
/// every file is decoded once up front; one that does not decode completely (a truncated PNG or JPEG, which decoders
/// would otherwise fill with grey) is refused with an <see cref="InvalidDataException"/> naming it, like any other
/// corrupt image: a data set is used whole or not at all.
/// Every file is decoded once up front (<see cref="MLImage.CreateFromStream"/>) so that an unreadable or corrupt image is an
/// <see cref="InvalidDataException"/> naming that file, rather than ImageAnalytics' lazy error wrapped in an
/// <see cref="InvalidOperationException"/> halfway through the cursor. Without an explicit size every image must have the
/// size of the first (in ordinal path order); with one, images are resized with <see cref="ImageResizingEstimator.ResizingKind.IsoCrop"/>
/// (keep the aspect ratio, crop the centre), ML.NET's default. Grayscale uses <see cref="Luminance.Rec601"/>.
/// </remarks>
public static class ImageFolderLoader
{
    /// <summary>File extensions read as images (case-insensitive).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>Largest image accepted, in pixels (width × height) as its header declares them: 4096 × 4096.</summary>
    public const long MaxPixels = 4096L * 4096;

    /// <summary>Largest image file accepted (64 MiB).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Loads the images under <paramref name="path"/>.</summary>
    /// <param name="path">The folder.</param>
    /// <param name="split"><c>train</c> or <c>test</c>: picks <c>path/split</c> when it exists, else it is only recorded.</param>
    /// <param name="grayscale">One channel (ITU-R BT.601 luma) instead of RGB.</param>
    /// <param name="size">Fixed size to resize to; null: the first image's size, and mixed sizes are an error.</param>
    /// <param name="maxMemoryBytes">Memory budget for the whole set as floats; null: <see cref="MemoryBudget.Default"/>.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No images, an unreadable or corrupt image, or mixed sizes without <paramref name="size"/>.</exception>
    public static ImageDataset Load(string path, string split = "train", bool grayscale = false, ImageSize? size = null, long? maxMemoryBytes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string root = Path.GetFullPath(path);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Image folder '{path}' does not exist.");
        }
        string splitDir = Path.Combine(root, split);
        if (Directory.Exists(splitDir) && Directory.Exists(Path.Combine(root, split == "train" ? "test" : "train")))
        {
            root = splitDir;
        }
        var (files, labels, classes) = FindImages(root);
        foreach (string file in files)
        {
            CheckHeader(file);
        }
        var (height, width) = size is ImageSize s ? (s.Height, s.Width) : CheckSameSize(files);
        CheckTotal(root, files.Count, height, width, maxMemoryBytes);
        if (size is not null)
        {
            foreach (string file in files)
            {
                Decode(file, null).Dispose();
            }
        }
        var pixels = Extract(files, height, width);
        var dataset = new ImageDataset("folder", split, root, 3, height, width, pixels, labels, classes);
        return grayscale ? dataset.ToGrayscale(Luminance.Rec601, "folder") : dataset;
    }

    private static (List<string> Files, int[] Labels, string[] Classes) FindImages(string root)
    {
        var loose = ImagesUnder(root, SearchOption.TopDirectoryOnly);
        var classDirs = Directory.GetDirectories(root).Order(StringComparer.Ordinal)
            .Select(d => (Dir: d, Files: ImagesUnder(d, SearchOption.AllDirectories)))
            .Where(c => c.Files.Count > 0)
            .ToList();
        if (classDirs.Count == 0)
        {
            if (loose.Count == 0)
            {
                throw new InvalidDataException(
                    $"{root}: no images found (looked for {string.Join(", ", Extensions)} in the folder and its class subfolders).");
            }
            return (loose, new int[loose.Count], [Path.GetFileName(root)]);
        }
        if (loose.Count > 0)
        {
            throw new InvalidDataException(
                $"{root}: holds images both directly ({Path.GetFileName(loose[0])}, ...) and in class subfolders; put every image in a class subfolder.");
        }
        var files = new List<string>();
        var labels = new List<int>();
        for (int c = 0; c < classDirs.Count; c++)
        {
            files.AddRange(classDirs[c].Files);
            labels.AddRange(Enumerable.Repeat(c, classDirs[c].Files.Count));
        }
        return (files, labels.ToArray(), [.. classDirs.Select(c => Path.GetFileName(c.Dir))]);
    }

    private static List<string> ImagesUnder(string dir, SearchOption option) =>
        [.. Directory.EnumerateFiles(dir, "*", option)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];

    private static (int Height, int Width) CheckSameSize(List<string> files)
    {
        int height = 0, width = 0;
        foreach (string file in files)
        {
            using var image = Decode(file, null);
            if (height == 0)
            {
                (height, width) = (image.Height, image.Width);
            }
            else if (image.Height != height || image.Width != width)
            {
                throw new InvalidDataException(
                    $"{file}: image is {image.Height}x{image.Width} but {files[0]} is {height}x{width}; mixed image sizes need a fixed size (--image-size HxW).");
            }
        }
        return (height, width);
    }

    /// <summary>The file's size and the dimensions its header declares, before anything is decoded.</summary>
    private static (int Width, int Height) CheckHeader(string file)
    {
        byte[] bytes = ReadFile(file, null);
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"{file}: corrupt image; its {bytes.Length} bytes do not decode as PNG, JPEG, BMP, GIF or WebP.");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InvalidDataException($"{file}: corrupt image with no pixels.");
        }
        if ((long)info.Width * info.Height > MaxPixels)
        {
            throw new InvalidDataException(
                $"{file}: the image declares {info.Width}x{info.Height} pixels, over the limit of {MaxPixels} pixels (4096x4096).");
        }
        return (info.Width, info.Height);
    }

    /// <summary>The whole set as floats must fit the memory budget and one array.</summary>
    private static void CheckTotal(string root, int count, int height, int width, long? maxMemoryBytes)
    {
        long values = (long)count * 3 * height * width;
        long budget = maxMemoryBytes ?? MemoryBudget.Default();
        if (values > Array.MaxLength || values * sizeof(float) > budget)
        {
            throw new InvalidDataException(
                $"{root}: {count} images of 3x{height}x{width} would take {MemoryBudget.Format(values * (double)sizeof(float))} as floats, more than the memory budget of {MemoryBudget.Format(budget)}; pass a smaller --image-size or raise --max-memory.");
        }
    }

    private static byte[] ReadFile(string file, Exception? cause)
    {
        try
        {
            long length = new FileInfo(file).Length;
            if (length > MaxFileBytes)
            {
                throw new InvalidDataException($"{file}: the image file is {length} bytes, over the limit of {MaxFileBytes} bytes.", cause);
            }
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (!stream.CanSeek)
            {
                throw new InvalidDataException($"{file}: not a regular file (a pipe or a device).", cause);
            }
            // Bounded even if the file grows while it is read.
            return DataStreams.ReadToEnd(stream, file, MaxFileBytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{file}: unreadable image ({ex.Message}).", cause ?? ex);
        }
    }

    private static MLImage Decode(string file, Exception? cause)
    {
        byte[] bytes = ReadFile(file, cause);
        CheckComplete(file, bytes, cause);
        MLImage image;
        try
        {
            image = MLImage.CreateFromStream(new MemoryStream(bytes, writable: false));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException)
        {
            // MLImage reports undecodable data as an ArgumentException about the path; say what is wrong instead.
            throw new InvalidDataException(
                $"{file}: corrupt image; its {bytes.Length} bytes do not decode as PNG, JPEG, BMP, GIF or WebP.", cause ?? ex);
        }
        if (image.Width <= 0 || image.Height <= 0)
        {
            image.Dispose();
            throw new InvalidDataException($"{file}: corrupt image with no pixels.", cause);
        }
        return image;
    }

    /// <summary>
    /// Decodes the whole image once with <see cref="SKCodec"/>, which, unlike <see cref="MLImage"/>, says when the data
    /// ends before the last row (a truncated file decodes "successfully" elsewhere, its missing rows filled in).
    /// </summary>
    private static void CheckComplete(string file, byte[] bytes, Exception? cause)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"{file}: corrupt image; its {bytes.Length} bytes do not decode as PNG, JPEG, BMP, GIF or WebP.", cause);
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > MaxPixels)
        {
            throw new InvalidDataException($"{file}: the image declares {info.Width}x{info.Height} pixels, outside 1..{MaxPixels} pixels.", cause);
        }
        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(target);
        SKCodecResult result = codec.GetPixels(target, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw new InvalidDataException(
                $"{file}: {(result == SKCodecResult.IncompleteInput ? "truncated" : "corrupt")} image; decoding its {bytes.Length} bytes stopped with '{result}'.", cause);
        }
    }

    private static float[] Extract(List<string> files, int height, int width)
    {
        var ml = new MLContext(seed: 0);
        var rows = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(PathRow.Path))
            .Append(ml.Transforms.ResizeImages("Image", width, height, "Image"))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", ImagePixelExtractingEstimator.ColorBits.Rgb,
                interleavePixelColors: false, scaleImage: 1f / 255, outputAsFloatArray: true));
        var view = pipeline.Fit(rows).Transform(rows);
        var column = view.Schema["Features"];
        int featureSize = 3 * height * width;
        var pixels = new float[(long)files.Count * featureSize];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        int row = 0;
        while (true)
        {
            try
            {
                if (!cursor.MoveNext())
                {
                    break;
                }
                getter(ref buffer);
            }
            catch (InvalidOperationException ex)
            {
                // ImageAnalytics reads lazily: a file that changed since it was checked fails here, wrapped.
                Decode(files[row], ex).Dispose();
                throw new InvalidDataException($"{files[row]}: ImageAnalytics could not read the image ({ex.GetBaseException().Message}).", ex);
            }
            if (buffer.Length != featureSize)
            {
                throw new InvalidDataException($"{files[row]}: ImageAnalytics produced {buffer.Length} values, expected {featureSize}.");
            }
            // The getter reuses its image, so copy the values out of each row; a null image would be sparse.
            var target = pixels.AsSpan(row * featureSize, featureSize);
            if (buffer.IsDense)
            {
                buffer.GetValues().CopyTo(target);
            }
            else
            {
                buffer.CopyTo(target);
            }
            row++;
        }
        return pixels;
    }

    private sealed class PathRow
    {
        public string Path { get; set; } = string.Empty;
    }
}
