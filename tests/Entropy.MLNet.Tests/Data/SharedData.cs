namespace Entropy.MLNet.Tests.Data;

/// <summary>The full datasets of the development and CI machines: <c>../shared/data</c> next to the repository root.</summary>
internal static class SharedData
{
    /// <summary>The directory, or null when this machine does not have it.</summary>
    public static string? Directory { get; } = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Entropy.MLNet.sln")))
            {
                string shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                return System.IO.Directory.Exists(shared) ? shared : null;
            }
        }
        return null;
    }

    /// <summary>The directory, or marks the test inconclusive.</summary>
    public static string Require()
    {
        if (Directory is null)
        {
            Assert.Inconclusive("../shared/data (the full datasets) is not present on this machine.");
        }
        return Directory;
    }
}
