using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Entropy.MLNet.Build;

namespace Entropy.MLNet.Tests.Build;

/// <summary>The build step that marks libLibTorchSharp.so's GLIBCXX_3.4.32 need weak (Debian 12 without root).</summary>
[TestClass]
public sealed class ElfVersionNeedsTests
{
    private const string Library = "libstdc++.so.6";
    private const string Marker = "_ZSt21ios_base_library_initv";
    private const string Version = "GLIBCXX_3.4.32";
    private static readonly string[] Markers = [Marker];

    public TestContext TestContext { get; set; } = null!;

    /// <summary>The package's own copy, in the NuGet cache the test project was restored from.</summary>
    private static string PackageCacheLibrary()
    {
        string root = typeof(ElfVersionNeedsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value!;
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.IsTrue(File.Exists(path), $"TorchSharp's native library is not in the package cache at {path}.");
        return path;
    }

    private static byte[] Original() => File.ReadAllBytes(PackageCacheLibrary());

    [TestMethod]
    public void Read_PackageLibrary_NeedsGlibcxx3432NotWeak()
    {
        var needs = ElfVersionNeeds.Read(Original(), "libLibTorchSharp.so");
        ElfVersionNeed need = needs.Single(n => n.Library == Library && n.Version == Version);
        Assert.IsFalse(need.IsWeak);
        Assert.IsTrue(needs.Count(n => n.Library == Library) > 10, "libstdc++ should have many version needs");
        Assert.IsTrue(needs.Any(n => n.Library == "libc.so.6" && n.Version == "GLIBC_2.2.5"));
    }

    [TestMethod]
    public void Weaken_PackageLibrary_SetsTheWeakFlagAndChangesNothingElse()
    {
        byte[] original = Original();
        byte[] image = (byte[])original.Clone();

        Assert.AreEqual(WeakenOutcome.Weakened, ElfVersionNeeds.Weaken(image, "copy", Library, Version, Markers));

        Assert.AreEqual(original.Length, image.Length);
        int[] changed = Enumerable.Range(0, image.Length).Where(i => image[i] != original[i]).ToArray();
        Assert.HasCount(1, changed, "exactly one byte (the low byte of vna_flags) may change");
        Assert.AreEqual(original[changed[0]] | ElfVersionNeeds.WeakFlag, image[changed[0]]);
        var after = ElfVersionNeeds.Read(image, "copy");
        Assert.IsTrue(after.Single(n => n.Version == Version).IsWeak);
        Assert.IsFalse(after.Where(n => n.Version != Version).Any(n => n.IsWeak), "no other need may become weak");
    }

    [TestMethod]
    public void Weaken_Twice_SecondCallChangesNothing()
    {
        byte[] image = Original();
        ElfVersionNeeds.Weaken(image, "copy", Library, Version, Markers);
        byte[] once = (byte[])image.Clone();

        Assert.AreEqual(WeakenOutcome.AlreadyWeak, ElfVersionNeeds.Weaken(image, "copy", Library, Version, Markers));
        CollectionAssert.AreEqual(once, image);
    }

    [TestMethod]
    public void Weaken_VersionNotNeeded_ReportsNotRequired()
    {
        byte[] original = Original();
        byte[] image = (byte[])original.Clone();
        Assert.AreEqual(WeakenOutcome.NotRequired, ElfVersionNeeds.Weaken(image, "copy", Library, "GLIBCXX_3.4.99", Markers));
        Assert.AreEqual(WeakenOutcome.NotRequired, ElfVersionNeeds.Weaken(image, "copy", "libfoo.so.1", Version, Markers));
        CollectionAssert.AreEqual(original, image);
    }

    [TestMethod]
    public void Weaken_AnotherSymbolUsesTheVersion_RefusesAndLeavesTheImage()
    {
        byte[] original = Original();
        byte[] image = (byte[])original.Clone();
        // With no marker allowed, the marker itself is "a real user" of the version: the need must stay.
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeeds.Weaken(image, "lib.so", Library, Version, Array.Empty<string>()));
        StringAssert.Contains(ex.Message, "lib.so");
        StringAssert.Contains(ex.Message, Marker);
        CollectionAssert.AreEqual(original, image);
    }

    [TestMethod]
    public void Weaken_NotElf_Refuses()
    {
        byte[] image = new byte[4096];
        new Random(1).NextBytes(image);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeeds.Weaken(image, "noise.so", Library, Version, Markers));
        StringAssert.Contains(ex.Message, "noise.so");
        StringAssert.Contains(ex.Message, "not an ELF file");
    }

    [TestMethod]
    public void Weaken_ForeignMachine_Refuses()
    {
        byte[] image = Original();
        image[18] = 183; // EM_AARCH64
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeeds.Weaken(image, "arm.so", Library, Version, Markers));
        StringAssert.Contains(ex.Message, "arm.so");
        StringAssert.Contains(ex.Message, "183");
    }

    [TestMethod]
    public void Weaken_Elf32_Refuses()
    {
        byte[] image = Original();
        image[4] = 1; // ELFCLASS32
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeeds.Weaken(image, "x.so", Library, Version, Markers));
        StringAssert.Contains(ex.Message, "ELF64");
    }

    [TestMethod]
    public void Weaken_Truncated_Refuses()
    {
        byte[] image = Original().AsSpan(0, 300_000).ToArray();
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeeds.Weaken(image, "cut.so", Library, Version, Markers));
        StringAssert.Contains(ex.Message, "cut.so");
        StringAssert.Contains(ex.Message, "beyond the end of the file");
    }

    [TestMethod]
    public void Weaken_CorruptVersionHash_Refuses()
    {
        byte[] image = Original();
        ElfVersionNeed need = ElfVersionNeeds.Read(image, "x").Single(n => n.Version == Version);
        int hashOffset = FlagsOffset(image, need) - 4;
        image[hashOffset] ^= 0x55;
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeeds.Weaken(image, "x.so", Library, Version, Markers));
        StringAssert.Contains(ex.Message, "hash");
    }

    [TestMethod]
    public void ElfHash_KnownValues()
    {
        // vna_hash values as stored in the package's library (readelf shows the same names).
        Assert.AreEqual(0x09691a75u, ElfHash("GLIBC_2.2.5"));
        Assert.AreEqual(0x08922974u, ElfHash("GLIBCXX_3.4"));
        static uint ElfHash(string s) => ElfVersionNeeds.ElfHash(s);
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    [SupportedOSPlatform("linux")]
    public void WeakenFile_HardLinkedToTheCache_LeavesTheOriginalByteIdentical()
    {
        string dir = Directory.CreateTempSubdirectory("elf-weaken-").FullName;
        try
        {
            string cache = Path.Combine(dir, "cache.so");
            string output = Path.Combine(dir, "output.so");
            File.Copy(PackageCacheLibrary(), cache);
            File.SetUnixFileMode(cache, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
            var stamp = new DateTime(2026, 2, 13, 14, 14, 0, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(cache, stamp);
            // An output file sharing the cache's inode, as a build that hard-links copy-local files makes it.
            using (var ln = Process.Start(new ProcessStartInfo("ln", [cache, output]) { UseShellExecute = false })!)
            {
                ln.WaitForExit();
                Assert.AreEqual(0, ln.ExitCode, "ln failed");
            }
            byte[] before = File.ReadAllBytes(cache);

            Assert.AreEqual(WeakenOutcome.Weakened, ElfVersionNeeds.WeakenFile(output, Library, Version, Markers));

            CollectionAssert.AreEqual(before, File.ReadAllBytes(cache), "the linked original must not change");
            Assert.IsTrue(ElfVersionNeeds.Read(File.ReadAllBytes(output), output).Single(n => n.Version == Version).IsWeak);
            Assert.AreEqual(stamp, File.GetLastWriteTimeUtc(output), "the time stamp is kept, so incremental copies skip the file");
            Assert.AreEqual(File.GetUnixFileMode(cache), File.GetUnixFileMode(output), "the mode is kept");
            Assert.AreEqual(WeakenOutcome.AlreadyWeak, ElfVersionNeeds.WeakenFile(output, Library, Version, Markers));
            Assert.HasCount(2, Directory.GetFiles(dir), "no temporary file is left behind");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void BuildOutput_NoNativeLibraryKeepsANonWeakGlibcxxNeedAbove3430()
    {
        var checkedFiles = new List<string>();
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.so*", SearchOption.AllDirectories))
        {
            byte[] image = File.ReadAllBytes(file);
            if (image.Length < 20 || image[0] != 0x7f || image[1] != (byte)'E' || image[18] != 62)
            {
                continue; // not an x86-64 ELF file
            }
            foreach (ElfVersionNeed need in ElfVersionNeeds.Read(image, file))
            {
                if (need.Version.StartsWith("GLIBCXX_", StringComparison.Ordinal)
                    && System.Version.Parse(need.Version["GLIBCXX_".Length..]) > new Version(3, 4, 30))
                {
                    Assert.IsTrue(need.IsWeak, $"{file} needs {need.Version} from {need.Library} and the need is not weak.");
                }
            }
            checkedFiles.Add(Path.GetFileName(file));
        }
        TestContext.WriteLine($"checked {checkedFiles.Count} ELF files: {string.Join(", ", checkedFiles)}");
        CollectionAssert.Contains(checkedFiles, "libLibTorchSharp.so");
        CollectionAssert.Contains(checkedFiles, "libtorch_cpu.so");
    }

    [TestMethod]
    public void PackageCache_Library_IsByteIdenticalToThePackage()
    {
        string cached = PackageCacheLibrary();
        string nupkg = Path.Combine(Path.GetDirectoryName(cached)!, "..", "..", "..", "torchsharp.0.107.0.nupkg");
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        ZipArchiveEntry entry = zip.GetEntry("runtimes/linux-x64/native/libLibTorchSharp.so")!;
        Assert.IsNotNull(entry);
        using Stream packaged = entry.Open();
        byte[] fromPackage = SHA256.HashData(packaged);
        using FileStream cache = File.OpenRead(cached);
        CollectionAssert.AreEqual(fromPackage, SHA256.HashData(cache), "the build must never edit the package cache's copy");
    }

    /// <summary>Where the need's flags sit, found by the one byte a weakening changes.</summary>
    private static int FlagsOffset(byte[] image, ElfVersionNeed need)
    {
        byte[] copy = (byte[])image.Clone();
        ElfVersionNeeds.Weaken(copy, "probe", Library, need.Version, Markers);
        return Enumerable.Range(0, image.Length).Single(i => image[i] != copy[i]);
    }
}
