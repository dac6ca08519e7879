using Entropy.MLNet.Probe;
using SkiaSharp;

namespace Entropy.MLNet.Reporting;

/// <summary>Layout of a <see cref="ReconstructionGrid"/> picture.</summary>
public sealed record GridOptions
{
    /// <summary>Pixels per image pixel (default 3, so that 28×28 digits are 84×84).</summary>
    public int Scale { get; init; } = 3;

    /// <summary>Gap between cells in output pixels (default 2).</summary>
    public int Gap { get; init; } = 2;

    /// <summary>Gray level of the gaps and border, 0–255 (default 128, distinct from black and white digit backgrounds).</summary>
    public byte Background { get; init; } = 128;

    /// <summary>Which columns to draw, by layer (0 = the input); null draws every column.</summary>
    public IReadOnlyList<int>? Layers { get; init; }
}

/// <summary>
/// Writes PNG pictures of reconstructions: rows are sample images; columns the input, then its reconstruction from
/// layers 1..L (or a chosen subset). Grayscale for one channel, RGB for three.
/// <para>
/// Display mapping: every value (inputs in [0, 1], decoder outputs in tanh range (−1, 1)) is clamped to [0, 1] and
/// scaled to 0–255, the same mapping as the input, so a reconstruction looks like the digit exactly when its values
/// match the input's; negative decoder outputs show as black.
/// </para>
/// </summary>
public static class ReconstructionGrid
{
    /// <summary>Writes the reconstructions of a probe as a PNG.</summary>
    /// <param name="output">Destination stream (stays open).</param>
    /// <param name="reconstructions">The probe's kept reconstructions.</param>
    /// <param name="options">Layout; default <see cref="GridOptions"/>.</param>
    /// <exception cref="ArgumentException">No images, or a requested layer that was not kept.</exception>
    public static void Write(Stream output, ProbeReconstructions reconstructions, GridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reconstructions);
        options ??= new GridOptions();
        int[] columns = ColumnIndices(reconstructions, options.Layers);
        var rows = new float[reconstructions.Images.Length][][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = [.. columns.Select(c => reconstructions.Images[r][c])];
        }
        WriteCells(output, rows, reconstructions.Channels, reconstructions.Height, reconstructions.Width, options);
    }

    /// <summary>Writes the reconstructions of a probe as a PNG file.</summary>
    /// <param name="path">Destination file (created or replaced atomically: a crash leaves the old file or the whole new one).</param>
    /// <param name="reconstructions">The probe's kept reconstructions.</param>
    /// <param name="options">Layout; default <see cref="GridOptions"/>.</param>
    public static void Write(string path, ProbeReconstructions reconstructions, GridOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Sweep.DurableFile.Replace(path, file => Write(file, reconstructions, options));
    }

    /// <summary>Writes one row of images (e.g. the ideal input of each class) as a PNG.</summary>
    /// <param name="output">Destination stream (stays open).</param>
    /// <param name="images">Images, each C·H·W values.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="height">Height.</param>
    /// <param name="width">Width.</param>
    /// <param name="options">Layout (its <see cref="GridOptions.Layers"/> is ignored).</param>
    public static void WriteRow(Stream output, IReadOnlyList<float[]> images, int channels, int height, int width, GridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(images);
        WriteCells(output, [[.. images]], channels, height, width, options ?? new GridOptions());
    }

    /// <summary>Writes a grid of images as a PNG: <paramref name="cells"/>[row][column], each C·H·W values in the display mapping of <see cref="ReconstructionGrid"/>.</summary>
    /// <exception cref="ArgumentException">An empty grid, ragged rows, an image of the wrong size, or channels other than 1 or 3.</exception>
    public static void WriteCells(Stream output, IReadOnlyList<float[][]> cells, int channels, int height, int width, GridOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(options);
        if (channels is not (1 or 3))
        {
            throw new ArgumentException($"Pictures need 1 (gray) or 3 (RGB) channels; got {channels}.", nameof(channels));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Scale, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Gap, nameof(options));
        if (cells.Count == 0 || cells[0].Length == 0)
        {
            throw new ArgumentException("Nothing to draw: the grid is empty.", nameof(cells));
        }
        int columns = cells[0].Length;
        int size = channels * height * width;
        for (int r = 0; r < cells.Count; r++)
        {
            if (cells[r].Length != columns)
            {
                throw new ArgumentException($"Row {r} has {cells[r].Length} images; row 0 has {columns}.", nameof(cells));
            }
            foreach (float[] image in cells[r])
            {
                if (image is null || image.Length != size)
                {
                    throw new ArgumentException($"Every image needs {size} values ({channels}×{height}×{width}); row {r} has one with {image?.Length ?? 0}.", nameof(cells));
                }
            }
        }
        int cellW = width * options.Scale;
        int cellH = height * options.Scale;
        long totalW = options.Gap + ((long)columns * (cellW + options.Gap));
        long totalH = options.Gap + ((long)cells.Count * (cellH + options.Gap));
        if (totalW > 32_000 || totalH > 32_000)
        {
            throw new ArgumentException($"The picture would be {totalW}×{totalH} pixels; choose fewer layers, fewer images or a smaller scale.", nameof(cells));
        }
        using var bitmap = new SKBitmap(new SKImageInfo((int)totalW, (int)totalH, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[totalW * totalH * 4];
        byte bg = options.Background;
        for (int i = 0; i < pixels.Length; i += 4)
        {
            pixels[i] = bg;
            pixels[i + 1] = bg;
            pixels[i + 2] = bg;
            pixels[i + 3] = 255;
        }
        int plane = height * width;
        for (int r = 0; r < cells.Count; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                float[] image = cells[r][c];
                int x0 = options.Gap + (c * (cellW + options.Gap));
                int y0 = options.Gap + (r * (cellH + options.Gap));
                for (int y = 0; y < cellH; y++)
                {
                    int sy = y / options.Scale;
                    long row = ((y0 + y) * totalW) + x0;
                    for (int x = 0; x < cellW; x++)
                    {
                        int p = (sy * width) + (x / options.Scale);
                        long o = (row + x) * 4;
                        byte red = ToByte(image[p]);
                        pixels[o] = red;
                        pixels[o + 1] = channels == 3 ? ToByte(image[plane + p]) : red;
                        pixels[o + 2] = channels == 3 ? ToByte(image[(2 * plane) + p]) : red;
                    }
                }
            }
        }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image2 = SKImage.FromBitmap(bitmap);
        using var data = image2.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(output);
    }

    /// <summary>The display mapping: clamp to [0, 1], scale to 0–255 (NaN shows as black).</summary>
    internal static byte ToByte(float v) => float.IsNaN(v) ? (byte)0 : (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);

    private static int[] ColumnIndices(ProbeReconstructions reconstructions, IReadOnlyList<int>? layers)
    {
        if (reconstructions.Images.Length == 0)
        {
            throw new ArgumentException("The probe kept no reconstructions (ReconstructionImages = 0).", nameof(reconstructions));
        }
        if (layers is null)
        {
            return [.. Enumerable.Range(0, reconstructions.Layers.Length)];
        }
        var indices = new int[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            indices[i] = Array.IndexOf(reconstructions.Layers, layers[i]);
            if (indices[i] < 0)
            {
                throw new ArgumentException($"Layer {layers[i]} is not among the kept reconstructions (0..{reconstructions.Layers.Max()}).", nameof(layers));
            }
        }
        return indices;
    }
}
