using System.Globalization;

// Check names the option that sets the budget (not a method parameter), as the options' Validate methods do.
#pragma warning disable CA2208

namespace Entropy.MLNet.Runtime;

/// <summary>
/// The memory a configuration may use, and the check that refuses one whose estimate exceeds it before anything is
/// built. The default budget is the lower of the memory available on the machine (<c>MemAvailable</c> of
/// <c>/proc/meminfo</c>) and the room left under the process's cgroup limit (<c>memory.max − memory.current</c>,
/// cgroup v2, or the v1 equivalents); where neither can be read, what the .NET runtime reports as available.
/// </summary>
internal static class MemoryBudget
{
    /// <summary>The parameter name of the <see cref="ArgumentException"/> that <see cref="Check"/> throws.</summary>
    public const string ParameterName = "MaxMemoryBytes";

    /// <summary>The default budget in bytes (see the class remarks).</summary>
    public static long Default()
    {
        long budget = long.MaxValue;
        if (ReadMeminfo("MemAvailable") is long available)
        {
            budget = available;
        }
        if (CgroupRoom() is long room)
        {
            budget = Math.Min(budget, room);
        }
        return budget == long.MaxValue ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes : budget;
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> (parameter <see cref="ParameterName"/>) when <paramref name="neededBytes"/>
    /// exceeds <paramref name="maxBytes"/> (null: <see cref="Default"/>).
    /// </summary>
    /// <param name="neededBytes">The estimate (a double, so that absurd configurations cannot overflow it).</param>
    /// <param name="maxBytes">The explicit budget, or null for the default.</param>
    /// <param name="what">What needs the memory, e.g. "the probe (depth 100000, layer sizes 784, …)".</param>
    /// <param name="breakdown">The estimate's parts, for the message.</param>
    public static void Check(double neededBytes, long? maxBytes, string what, string breakdown)
    {
        if (maxBytes is < 1)
        {
            throw new ArgumentOutOfRangeException(ParameterName, maxBytes, $"The memory budget must be at least 1 byte; got {maxBytes}.");
        }
        long budget = maxBytes ?? Default();
        if (neededBytes > budget)
        {
            string source = maxBytes is null ? "available memory (set a budget with --max-memory or MaxMemoryBytes)" : "the memory budget";
            throw new ArgumentException(
                $"{what} needs about {Format(neededBytes)} ({breakdown}) but {source} is {Format(budget)}; use a smaller depth, width or batch size.",
                ParameterName);
        }
    }

    /// <summary>Bytes in a readable unit (binary prefixes), e.g. "1.5 GiB".</summary>
    public static string Format(double bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int u = 0;
        while (bytes >= 1024 && u < units.Length - 1)
        {
            bytes /= 1024;
            u++;
        }
        return u == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} bytes")
            : bytes >= 1e6 ? string.Create(CultureInfo.InvariantCulture, $"{bytes:E2} {units[u]}")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:F1} {units[u]}");
    }

    /// <summary>
    /// Parses a size: a whole number of bytes, or a number with a unit K, M, G or T (binary: 1K = 1024 bytes; KB, KiB,
    /// MB, MiB… are accepted with the same meaning), case-insensitive, e.g. <c>512M</c>, <c>2G</c>, <c>1.5GiB</c>.
    /// </summary>
    /// <exception cref="FormatException">The text is not such a size, or it is below 1 byte or above 2^62.</exception>
    public static long ParseSize(string text)
    {
        string t = (text ?? string.Empty).Trim();
        int unitStart = t.Length;
        while (unitStart > 0 && char.IsAsciiLetter(t[unitStart - 1]))
        {
            unitStart--;
        }
        string unit = t[unitStart..].ToUpperInvariant();
        double scale = unit switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => 0,
        };
        if (scale == 0 || !double.TryParse(t[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            throw new FormatException($"'{text}' is not a memory size; use bytes or a number with K, M, G or T, e.g. 512M or 2G.");
        }
        double bytes = Math.Floor(number * scale);
        if (!(bytes >= 1) || bytes > (double)(1L << 62))
        {
            throw new FormatException($"'{text}' is not a memory size between 1 byte and 4 EiB.");
        }
        return (long)bytes;
    }

    private static long? ReadMeminfo(string field)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal)
                    && long.TryParse(line[(field.Length + 1)..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kb))
                {
                    return kb * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>The cgroup limit less the cgroup's current usage; null without a limit (or off Linux).</summary>
    private static long? CgroupRoom()
    {
        long? limit = ReadNumber("/sys/fs/cgroup/memory.max") ?? ReadNumber("/sys/fs/cgroup/memory/memory.limit_in_bytes");
        if (limit is not long l || l >= 1L << 60)
        {
            return null;
        }
        long used = ReadNumber("/sys/fs/cgroup/memory.current") ?? ReadNumber("/sys/fs/cgroup/memory/memory.usage_in_bytes") ?? 0;
        return Math.Max(0, l - used);
    }

    private static long? ReadNumber(string path)
    {
        try
        {
            return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value)
                ? value : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
