using Entropy.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.MLNet;

/// <summary>Copies a float-vector image column of an <see cref="IDataView"/> into an <see cref="ImageDataset"/>.</summary>
internal static class DataViewImages
{
    /// <summary>
    /// The image shape of a column: the vector's dimensions when they are (C, H, W) or (H, W), else
    /// <paramref name="declared"/>, else 1 × 1 × size.
    /// </summary>
    public static ImageShape ShapeOf(DataViewSchema.Column column, ImageShape? declared, int size)
    {
        if (declared is { } d)
        {
            if (d.Size != size)
            {
                throw new ArgumentOutOfRangeException(column.Name,
                    $"Column '{column.Name}' holds {size} values per row, but the declared image shape {d} has {d.Size}.");
            }
            return d;
        }
        var dims = ((VectorDataViewType)column.Type).Dimensions;
        return dims.Length switch
        {
            3 => new ImageShape(dims[0], dims[1], dims[2]),
            2 => new ImageShape(1, dims[0], dims[1]),
            _ => new ImageShape(1, 1, size),
        };
    }

    /// <summary>Reads every row (a null image, which ML.NET gives as an empty sparse vector, reads as zeros).</summary>
    public static ImageDataset Read(IDataView data, string columnName, ImageShape? declared, int classes, string name, CancellationToken ct)
    {
        var column = SchemaChecks.FloatVector(data.Schema, columnName);
        var type = (VectorDataViewType)column.Type;
        var pixels = new List<float>();
        int size = type.IsKnownSize ? type.Size : -1;
        int rows = 0;
        using (var cursor = data.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            while (cursor.MoveNext())
            {
                if ((rows & 255) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }
                getter(ref buffer);
                if (size < 0)
                {
                    size = buffer.Length;
                }
                if (buffer.Length != size)
                {
                    throw new ArgumentOutOfRangeException(columnName,
                        $"Column '{columnName}': row {rows} holds {buffer.Length} values, earlier rows {size}; every image must have the same size.");
                }
                pixels.AddRange(buffer.DenseValues());
                rows++;
            }
        }
        if (rows == 0 || size <= 0)
        {
            throw new ArgumentException($"The training data has no rows with images in column '{columnName}'.", nameof(data));
        }
        ImageShape shape = ShapeOf(column, declared, size);
        string[] classNames = [.. Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        return new ImageDataset(name, "train", "IDataView", shape.Channels, shape.Height, shape.Width, [.. pixels], new int[rows], classNames);
    }
}
