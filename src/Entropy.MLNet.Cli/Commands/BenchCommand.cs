using System.CommandLine;
using System.Globalization;
using Entropy.MLNet.Architectures.Convolutional;
using Entropy.MLNet.Benchmarks;
using Entropy.MLNet.Cli.Infrastructure;
using Entropy.MLNet.Data;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using Entropy.MLNet.Networks;

namespace Entropy.MLNet.Cli.Commands;

/// <summary><c>entropy bench</c>: matmul throughput and the cascade epoch (wide 784, depth 10, batch 64) measured in one run.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var dataDir = CommonOptions.DataDir();
        var samples = new Option<int>("--samples") { Description = "Images in the timed epoch (the paper: all 60,000 MNIST images).", DefaultValueFactory = _ => 60_000 };
        var depth = new Option<int>("--depth") { Description = "Depth of the wide network.", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size.", DefaultValueFactory = _ => ProbeDefaults.Mlp.BatchSize };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp intra-op threads (default: TorchSharp's)." };
        var plain = new Option<bool>("--plain") { Description = "Also time the authors' loop (one Linear decoder and one Adam per layer) on the same images." };
        var architecture = new Option<string>("--architecture")
        {
            Description = "mlp (the matmul peak and the MLP epoch) or cnn (the block convolution's throughput and one CNN epoch: --channels, --depth, batch 100 unless --batch-size).",
            DefaultValueFactory = _ => "mlp",
        }.AcceptOnlyFromAmong("mlp", "cnn");
        var channels = ArchitectureOptions.Channels();
        var command = new Command("bench",
            $"Measures matmul throughput here, then times one cascade epoch (wide 784, depth 10, batch {ProbeDefaults.Mlp.BatchSize}) and reports GFLOP/s and the fraction of the matmul peak.\n" +
            "Example: entropy bench --data-dir ~/data --samples 10000 --plain")
        {
            dataDir, samples, depth, batchSize, threads, plain, architecture, channels, format,
        };
        CliAction.Set(command, format, (parse, output, ct) =>
        {
            int n = parse.GetValue(samples);
            int d = parse.GetValue(depth);
            int b = parse.GetValue(batchSize);
            if (n < 1)
            {
                throw new ArgumentException($"--samples must be at least 1; got {n}.");
            }
            if (d < 3)
            {
                throw new ArgumentException($"--depth must be at least 3; got {d}.");
            }
            if (b < 1)
            {
                throw new ArgumentException($"--batch-size must be at least 1; got {b}.");
            }
            TorchRuntime.EnsureLoaded();
            if (parse.GetValue(threads) is { } t)
            {
                if (t < 1)
                {
                    throw new ArgumentException($"--threads must be at least 1; got {t}.");
                }
                TorchSharp.torch.set_num_threads(t);
            }
            double? load = ProbeBenchmark.LoadAverage();
            var train = DatasetCatalog.Load("mnist", "train", parse.GetValue(dataDir));
            string note;
            if (train.Count < n)
            {
                int times = (n + train.Count - 1) / train.Count;
                note = $"{train.Source}: {train.Count} images repeated {times}× (no full MNIST found; pass --data-dir)";
                train = ProbeBenchmark.Repeat(train, times);
            }
            else
            {
                note = $"{train.Source}: {n} of {train.Count} MNIST training images";
            }
            if (train.Count > n)
            {
                train = train.Take(n);
            }
            var status = new Throttled(output);
            if (parse.GetValue(architecture) == "cnn")
            {
                int c = parse.GetValue(channels) ?? ConvolutionalDefaults.CnnChannels;
                // The CNN scripts' batch (100) unless one is given.
                int cnnBatch = parse.GetResult(batchSize) is { Implicit: false } ? b : ConvolutionalDefaults.BatchSize;
                status.Line("measuring the block convolution's throughput, timing one CNN cascade epoch, measuring again…");
                var cnn = ConvolutionalBenchmark.Run(train, note, c, d, cnnBatch, ct);
                output.Write(cnn, w => WriteText(w, cnn));
                return Task.FromResult(ExitCodes.Success);
            }
            // The matmul peak is measured before and after the epochs and the best taken: this machine's throughput
            // drifts by ±20 % from minute to minute (shared host), and the best is the conservative reference.
            status.Line("measuring matmul throughput…");
            var matmul = new List<MatmulMeasurement>
            {
                ProbeBenchmark.Matmul(b, 784, 784) with { When = "before" },
                ProbeBenchmark.Matmul(2048, 2048, 2048, minSeconds: 2) with { When = "before" },
            };
            var epochs = new List<CascadeEpochMeasurement>();
            status.Line("timing the cascade epoch…");
            epochs.Add(ProbeBenchmark.CascadeEpoch(train, d, b, status, ct));
            if (parse.GetValue(plain))
            {
                status.Line("timing the authors' loop…");
                epochs.Add(ProbeBenchmark.PlainEpoch(train, d, b, status, ct));
            }
            status.Line("measuring matmul throughput again…");
            matmul.Add(ProbeBenchmark.Matmul(b, 784, 784) with { When = "after" });
            matmul.Add(ProbeBenchmark.Matmul(2048, 2048, 2048, minSeconds: 2) with { When = "after" });
            double peak = matmul.Max(m => m.GflopPerSecond);
            epochs = [.. epochs.Select(e => e with { FractionOfPeak = e.GflopPerSecond / peak })];
            var report = new BenchmarkReport
            {
                Threads = TorchSharp.torch.get_num_threads(),
                ProcessorCount = Environment.ProcessorCount,
                LoadAverage = load,
                Data = note,
                Matmul = matmul,
                PeakGflopPerSecond = peak,
                FlopModel = ProbeBenchmark.FlopModel,
                Epochs = epochs,
            };
            output.Write(report, w => WriteText(w, report));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void WriteText(TextWriter w, BenchmarkReport r)
    {
        var ci = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(ci, $"machine: {r.ProcessorCount} processors, {r.Threads} TorchSharp thread(s), load average {(r.LoadAverage is { } l ? l.ToString("F2", ci) : "n/a")} at start (other work inflates every timing below)"));
        w.WriteLine($"data: {r.Data}");
        foreach (var m in r.Matmul)
        {
            w.WriteLine(string.Create(ci, $"matmul {m.Name,-22} {m.When,-6} {m.GflopPerSecond,8:F1} GFLOP/s ({m.Repetitions} products in {m.Seconds:F2} s)"));
        }
        w.WriteLine(string.Create(ci, $"peak (best of the above, before and after the epochs): {r.PeakGflopPerSecond:F1} GFLOP/s"));
        w.WriteLine($"FLOP model: {r.FlopModel}");
        foreach (var e in r.Epochs)
        {
            w.WriteLine(string.Create(ci,
                $"cascade epoch [{e.Engine}]: depth {e.Depth} {e.Width}, {e.Images} images, batch {e.BatchSize}: {e.Seconds:F1} s, {e.Gflop:F0} GFLOP, {e.GflopPerSecond:F1} GFLOP/s = {e.FractionOfPeak:P0} of peak"));
        }
        if (r.Epochs.Count == 2)
        {
            w.WriteLine(string.Create(ci, $"speed-up over the authors' loop (same run): {r.Epochs[1].Seconds / r.Epochs[0].Seconds:F2}×"));
        }
    }

    private static void WriteText(TextWriter w, ConvolutionalBenchmarkReport r)
    {
        var ci = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(ci, $"machine: {Environment.ProcessorCount} processors, {r.Threads} TorchSharp thread(s), load average {(r.LoadAverage is { } l ? l.ToString("F2", ci) : "n/a")} at start (other work inflates every timing below)"));
        w.WriteLine($"data: {r.Data}");
        foreach (var c in r.Convolutions)
        {
            w.WriteLine(string.Create(ci, $"convolution {c.Name,-34} {c.When,-6} {c.GflopPerSecond,8:F1} GFLOP/s ({c.Repetitions} in {c.Seconds:F2} s)"));
        }
        w.WriteLine(string.Create(ci, $"reference (best of the above): {r.PeakGflopPerSecond:F1} GFLOP/s"));
        w.WriteLine($"FLOP model: {r.FlopModel}");
        var e = r.Epoch;
        w.WriteLine(string.Create(ci,
            $"cascade epoch [cnn]: depth {e.Depth}, {e.Width}, {e.Images} images, batch {e.BatchSize}: {e.Seconds:F1} s, {e.Gflop:F1} GFLOP, {e.GflopPerSecond:F1} GFLOP/s = {e.FractionOfPeak:P0} of the convolution throughput"));
    }

    /// <summary>Status lines on stderr (text mode only), at most every 10 seconds during an epoch.</summary>
    private sealed class Throttled(CliOutput output) : IProgress<ProbeProgress>
    {
        private DateTime _last = DateTime.UtcNow;

        public void Line(string text)
        {
            if (!output.Json)
            {
                output.Status(text);
            }
        }

        public void Report(ProbeProgress value)
        {
            if (output.Json || DateTime.UtcNow - _last < TimeSpan.FromSeconds(10))
            {
                return;
            }
            _last = DateTime.UtcNow;
            output.Status(string.Create(CultureInfo.InvariantCulture, $"  batch {value.Batch}/{value.TotalBatches}, {value.SamplesPerSecond:F0} images/s"));
        }
    }
}
