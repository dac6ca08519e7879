using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.Data;

/// <summary>
/// A read-only <see cref="IDataView"/> over an <see cref="ImageDataset"/>, without copying it. Columns:
/// <list type="bullet">
/// <item><c>Label</c>: <see cref="KeyDataViewType"/> over <see cref="uint"/> with one key per class (ML.NET keys are
/// 1-based: label <c>k</c> is key <c>k + 1</c>), carrying the class names as <c>KeyValues</c> annotation — what ML.NET's
/// multiclass trainers take directly and what <c>MapKeyToValue</c> turns back into names.</item>
/// <item><c>Features</c>: <see cref="VectorDataViewType"/> of <see cref="float"/> with dimensions C, H, W (size C·H·W),
/// planar CHW in [0, 1], the layout <c>ExtractPixels</c> produces.</item>
/// </list>
/// Row order is the dataset's; cursors are not shuffled.
/// </summary>
public sealed class DatasetDataView : IDataView
{
    /// <summary>Name of the label column.</summary>
    public const string LabelColumn = "Label";

    /// <summary>Name of the pixel column.</summary>
    public const string FeaturesColumn = "Features";

    private readonly ImageDataset _dataset;

    /// <summary>Creates the view.</summary>
    /// <param name="dataset">The dataset to expose.</param>
    public DatasetDataView(ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _dataset = dataset;
        var classes = dataset.ClassNames;
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, classes.Count),
            (ref VBuffer<ReadOnlyMemory<char>> names) =>
            {
                var editor = VBufferEditor.Create(ref names, classes.Count);
                for (int i = 0; i < classes.Count; i++)
                {
                    editor.Values[i] = classes[i].AsMemory();
                }
                names = editor.Commit();
            });
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(LabelColumn, new KeyDataViewType(typeof(uint), classes.Count), annotations.ToAnnotations());
        builder.AddColumn(FeaturesColumn, new VectorDataViewType(NumberDataViewType.Single, dataset.Channels, dataset.Height, dataset.Width));
        Schema = builder.ToSchema();
    }

    /// <summary>The dataset behind the view.</summary>
    public ImageDataset Dataset => _dataset;

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public long? GetRowCount() => _dataset.Count;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            if (column.Index < 0 || column.Index >= Schema.Count || Schema[column.Index].Name != column.Name)
            {
                throw new ArgumentException($"Column '{column.Name}' does not belong to this view's schema.", nameof(columnsNeeded));
            }
            active[column.Index] = true;
        }
        return new Cursor(this, active);
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DatasetDataView parent, bool[] active) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position < parent._dataset.Count)
            {
                _position++;
            }
            return _position < parent._dataset.Count;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)CheckedRow(), 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
            {
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            }
            if (column.Index == 0)
            {
                ValueGetter<uint> label = (ref uint value) => value = (uint)parent._dataset.Labels[CheckedRow()] + 1;
                return label as ValueGetter<TValue>
                    ?? throw new InvalidOperationException($"Column '{LabelColumn}' is a key over uint, not {typeof(TValue).Name}.");
            }
            ValueGetter<VBuffer<float>> features = (ref VBuffer<float> value) =>
            {
                var image = parent._dataset.Image(CheckedRow());
                var editor = VBufferEditor.Create(ref value, image.Length);
                image.CopyTo(editor.Values);
                value = editor.Commit();
            };
            return features as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{FeaturesColumn}' is a vector of float, not {typeof(TValue).Name}.");
        }

        private int CheckedRow() => _position >= 0 && _position < parent._dataset.Count
            ? (int)_position
            : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
    }
}
