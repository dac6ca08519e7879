using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.MLNet;

/// <summary>
/// Input-schema checks run by <c>Fit</c> and <c>GetOutputSchema</c> before any work. As ML.NET's own transforms, a bad
/// column gives an <see cref="ArgumentOutOfRangeException"/> whose parameter name is the column and whose message says
/// what was expected and what was found.
/// </summary>
internal static class SchemaChecks
{
    /// <summary>A float vector column, of <paramref name="expectedSize"/> values when given (and when the column's size is known).</summary>
    public static DataViewSchema.Column FloatVector(DataViewSchema schema, string column, int? expectedSize = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var found = schema.GetColumnOrNull(column) ?? throw Missing(column, Expected(expectedSize));
        if (found.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single)
        {
            throw WrongType(column, Expected(expectedSize), found.Type.ToString() ?? "?");
        }
        if (expectedSize is { } n && vector.IsKnownSize && vector.Size != n)
        {
            throw new ArgumentOutOfRangeException(column,
                $"Column '{column}' has the wrong vector size: expected {Expected(expectedSize)}, found a vector of {vector.Size}.");
        }
        return found;
    }

    /// <summary>The same check on an estimator's <see cref="SchemaShape"/> (sizes are unknown there).</summary>
    public static void FloatVector(SchemaShape shape, string column)
    {
        if (!TryFind(shape, column, out var found))
        {
            throw Missing(column, Expected(null));
        }
        if (found.Kind == SchemaShape.Column.VectorKind.Scalar || found.ItemType != NumberDataViewType.Single)
        {
            throw WrongType(column, Expected(null), $"{found.Kind} of {found.ItemType}");
        }
    }

    /// <summary>A scalar column of exactly <paramref name="type"/>.</summary>
    public static void Scalar(DataViewSchema schema, string column, DataViewType type)
    {
        var found = schema.GetColumnOrNull(column) ?? throw Missing(column, $"a scalar {type}");
        if (!found.Type.Equals(type))
        {
            throw WrongType(column, $"a scalar {type}", found.Type.ToString() ?? "?");
        }
    }

    /// <inheritdoc cref="Scalar(DataViewSchema, string, DataViewType)"/>
    public static void Scalar(SchemaShape shape, string column, DataViewType type)
    {
        if (!TryFind(shape, column, out var found))
        {
            throw Missing(column, $"a scalar {type}");
        }
        if (found.Kind != SchemaShape.Column.VectorKind.Scalar || !found.ItemType.Equals(type))
        {
            throw WrongType(column, $"a scalar {type}", $"{found.Kind} of {found.ItemType}");
        }
    }

    /// <summary>Whether an optional column is present; when it is, it must be of <paramref name="type"/>.</summary>
    public static bool OptionalScalar(DataViewSchema schema, string column, DataViewType type)
    {
        if (schema.GetColumnOrNull(column) is null)
        {
            return false;
        }
        Scalar(schema, column, type);
        return true;
    }

    /// <inheritdoc cref="OptionalScalar(DataViewSchema, string, DataViewType)"/>
    public static bool OptionalScalar(SchemaShape shape, string column, DataViewType type)
    {
        if (!TryFind(shape, column, out _))
        {
            return false;
        }
        Scalar(shape, column, type);
        return true;
    }

    private static bool TryFind(SchemaShape shape, string name, out SchemaShape.Column column)
    {
        foreach (var c in shape)
        {
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        }
        column = default;
        return false;
    }

    private static string Expected(int? size) => size is { } n ? $"a vector of {n} Single values" : "a vector of Single values";

    private static ArgumentOutOfRangeException Missing(string column, string expected) =>
        new(column, $"Input column '{column}' was not found; expected {expected}.");

    private static ArgumentOutOfRangeException WrongType(string column, string expected, string found) =>
        new(column, $"Column '{column}' has the wrong type: expected {expected}, found {found}.");
}
