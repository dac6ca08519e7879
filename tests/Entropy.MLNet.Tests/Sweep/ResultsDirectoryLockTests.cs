using System.Diagnostics;
using Entropy.MLNet.Sweep;
using Entropy.MLNet.Tests.Cli;

namespace Entropy.MLNet.Tests.Sweep;

/// <summary>One writer per results directory: a second one is refused at once, naming the holder; a killed holder frees it.</summary>
[TestClass]
public sealed class ResultsDirectoryLockTests
{
    private static readonly string[] Tiny =
        ["sweep", "--sigma-w2", "1,2", "--depth", "5", "--width", "32", "--train-samples", "200", "--entropy-samples", "20", "--device", "cpu", "--no-report"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Acquire_Twice_SecondRefusedNamingTheHolder_FreeAgainAfterRelease()
    {
        using var dir = new TempDirectory();

        using (ResultsDirectoryLock.Acquire(dir.Path, "entropy sweep"))
        {
            var ex = Assert.ThrowsExactly<ResultsDirectoryBusyException>(() => ResultsDirectoryLock.Acquire(dir.Path, "entropy report"));

            StringAssert.Contains(ex.Message, dir.Path);
            StringAssert.Contains(ex.Holder, $"PID {Environment.ProcessId} on {Environment.MachineName}, entropy sweep");
        }
        using var again = ResultsDirectoryLock.Acquire(dir.Path, "entropy report");
        StringAssert.Contains(File.ReadAllText(Path.Combine(dir.Path, ResultsDirectoryLock.HolderFileName)), "entropy report");
    }

    [TestMethod]
    public async Task SweepMergeReport_DirectoryHeldByAnotherWriter_ExitSeventyFiveNamingTheHolder()
    {
        using var dir = new TempDirectory();
        string held = dir.Sub("held");
        Directory.CreateDirectory(held);
        string shard = dir.Sub("shard");
        Directory.CreateDirectory(shard);
        File.WriteAllText(Path.Combine(shard, SweepSettings.FileName), SweepRunnerTests.Tiny(new SweepShard(0, 2)).ToJson());
        File.WriteAllText(Path.Combine(held, SweepSettings.FileName), SweepRunnerTests.Tiny().ToJson());

        using (ResultsDirectoryLock.Acquire(held, "entropy sweep"))
        {
            var sweep = await CliRunner.RunAsync([.. Tiny, "--out", held]);
            var report = await CliRunner.RunAsync("report", held);
            var merge = await CliRunner.RunAsync("merge", shard, "--out", held);

            foreach (var (exit, _, stderr) in new[] { sweep, report, merge })
            {
                Assert.AreEqual(75, exit, stderr);
                Assert.AreEqual(1, stderr.Split('\n').Count(l => l.Contains(" error: ", StringComparison.Ordinal)), stderr);
                StringAssert.Contains(stderr, $"is in use by another writer (PID {Environment.ProcessId} on {Environment.MachineName}, entropy sweep");
            }
        }
        // Nothing was written by the refused writers.
        Assert.IsFalse(File.Exists(Path.Combine(held, SweepRecord.FileName)));
        Assert.IsFalse(File.Exists(Path.Combine(held, "report.html")));
    }

    [TestMethod]
    public async Task Sweep_HolderKilledWithSigkill_LockFreedAndDirectoryResumable()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("kill -9 is a POSIX signal.");
        }
        using var dir = new TempDirectory();
        string outDir = dir.Sub("run");
        // A sweep long enough to be caught holding the lock (eight configurations); it is killed long before it ends.
        string[] args = ["sweep", "--sigma-w2", "0.5:4:0.5", "--depth", "5", "--width", "32", "--train-samples", "200", "--entropy-samples", "20", "--device", "cpu", "--no-report", "--out", outDir];
        using var child = StartCli(args);
        try
        {
            Assert.IsTrue(await WaitForHolderAsync(outDir, child.Id), "the child sweep never took the lock");
            var (busy, _, busyErr) = await CliRunner.RunAsync(args);
            Assert.AreEqual(75, busy, busyErr);
            StringAssert.Contains(busyErr, $"PID {child.Id} on {Environment.MachineName}, entropy sweep");

            child.Kill(); // SIGKILL on Unix: no handler runs, only the OS releases the lock
            await child.WaitForExitAsync(TestContext.CancellationToken);
            Assert.AreEqual(137, child.ExitCode);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }

        using (ResultsDirectoryLock.Acquire(outDir, "test"))
        {
            // Free again, with no stale-lock cleanup by anyone.
        }
        // What the killed writer left resumes to a whole directory.
        var (exit, _, stderr) = await CliRunner.RunAsync(args);
        Assert.AreEqual(0, exit, stderr);
        Assert.IsTrue(SweepResults.Load(outDir).IsComplete);
    }

    private async Task<bool> WaitForHolderAsync(string directory, int pid)
    {
        string holder = Path.Combine(directory, ResultsDirectoryLock.HolderFileName);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(120))
        {
            try
            {
                if (File.Exists(holder) && File.ReadAllText(holder).StartsWith($"PID {pid} ", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // Being written.
            }
            await Task.Delay(20, TestContext.CancellationToken);
        }
        return false;
    }

    /// <summary>The <c>entropy</c> command line in a child process (<c>dotnet exec</c> of the referenced entropy.dll).</summary>
    private static Process StartCli(string[] args)
    {
        string dll = typeof(Entropy.MLNet.Cli.EntropyCli).Assembly.Location;
        string baseName = Path.Combine(Path.GetDirectoryName(dll)!, Path.GetFileNameWithoutExtension(dll));
        string testBase = Path.Combine(AppContext.BaseDirectory, Path.GetFileNameWithoutExtension(typeof(ResultsDirectoryLockTests).Assembly.Location));
        string config = File.Exists(baseName + ".runtimeconfig.json") ? baseName + ".runtimeconfig.json" : testBase + ".runtimeconfig.json";
        string deps = File.Exists(baseName + ".deps.json") ? baseName + ".deps.json" : testBase + ".deps.json";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["exec", "--runtimeconfig", config, "--depsfile", deps, dll, .. args])
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
