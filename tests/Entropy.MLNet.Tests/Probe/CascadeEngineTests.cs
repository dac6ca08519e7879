using Entropy.MLNet.Architectures;
using Entropy.MLNet.Architectures.Mlp;
using System.Runtime.InteropServices;
using Entropy.MLNet.Networks;
using Entropy.MLNet.Probe;
using Entropy.MLNet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Entropy.MLNet.Tests.Probe;

/// <summary>The pieces of the cascade trainer's engine: fused Adam, closed-form gradients, blocks, chunks, workers.</summary>
[TestClass]
[DoNotParallelize] // the workers set libtorch's thread counts

public sealed class CascadeEngineTests
{
    private static readonly int[] Ones = [1, 1, 1];

    [ClassInitialize]
    public static void Init(TestContext context) => TorchRuntime.EnsureLoaded();

    [TestMethod]
    public void AdamUpdate_FusedAndTensorPaths_AgreeWithTorchSharpAdam()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        // Shapes that are not multiples of the SIMD width, so the scalar tail runs too.
        long[][] shapes = [[7, 11], [13], [64]];
        var reference = shapes.Select(s => new Parameter(randn(s, generator: g))).ToArray();
        var fused = reference.Select(p => p.detach().clone()).ToArray();
        var initial = reference.Select(p => p.detach().clone()).ToArray();
        // The tensor-op path: the same values in every other element of a larger tensor, so the views are not contiguous.
        var strided = reference.Select(p => Strided(p.detach())).ToArray();
        Assert.IsTrue(strided.All(t => !t.is_contiguous()));
        var m = fused.Select(p => zeros_like(p)).ToArray();
        var v = fused.Select(p => zeros_like(p)).ToArray();
        var ms = strided.Select(p => zeros_like(p)).ToArray();
        var vs = strided.Select(p => zeros_like(p)).ToArray();
        using var adam = optim.Adam(reference, lr: 1e-3);
        var settings = new AdamSettings();
        for (int step = 1; step <= 5; step++)
        {
            var grads = shapes.Select(s => randn(s, generator: g)).ToArray();
            adam.zero_grad();
            for (int i = 0; i < reference.Length; i++)
            {
                reference[i].grad = grads[i].clone();
                AdamUpdate.Apply(fused[i], grads[i], m[i], v[i], step, settings);
                AdamUpdate.Apply(strided[i], grads[i], ms[i], vs[i], step, settings);
            }
            adam.step();
        }
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.IsTrue(fused[i].allclose(reference[i], rtol: 1e-6, atol: 1e-8), $"fused, tensor {i}");
            Assert.IsTrue(strided[i].allclose(reference[i], rtol: 1e-6, atol: 1e-8), $"tensor ops, tensor {i}");
            Assert.IsFalse(fused[i].allclose(initial[i], rtol: 0, atol: 1e-4), "the updates moved the parameters");
        }
    }

    private static Tensor Strided(Tensor values)
    {
        var holder = zeros([.. values.shape, 2]);
        var view = holder.select(-1, 0);
        view.copy_(values);
        return view;
    }

    [TestMethod]
    public void AdamUpdate_Fused_ResultOfAnElementDoesNotDependOnItsPosition()
    {
        var rng = new Random(3);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        float[] p = Values(40), g = Values(40), m = Values(40), v = [.. Values(40).Select(Math.Abs)];
        float[] p2 = [.. p], g2 = [.. g], m2 = [.. m], v2 = [.. v];
        AdamUpdate.Fused(p, g, m, v, 0.1f, 0.999f, 0.001f, 0.3f, 1e-8f, -2e-3f);
        // Shifted by 3: elements move between the vector body and the scalar tail.
        AdamUpdate.Fused(p2.AsSpan(3), g2.AsSpan(3), m2.AsSpan(3), v2.AsSpan(3), 0.1f, 0.999f, 0.001f, 0.3f, 1e-8f, -2e-3f);
        CollectionAssert.AreEqual(p[3..], p2[3..]);
        CollectionAssert.AreEqual(m[3..], m2[3..]);
        CollectionAssert.AreEqual(v[3..], v2[3..]);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void LocalGradients_EqualAutogradOfTheLocalLoss_WholeAndByBlock(bool tanh)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(9);
        var weight = new Parameter(randn([12, 10], generator: g).mul_(0.3));
        var bias = new Parameter(randn([12], generator: g).mul_(0.1));
        var input = randn([6, 10], generator: g).tanh_();
        var target = randn([6, 12], generator: g).tanh_();
        var y = nn.functional.linear(input, weight, bias);
        nn.functional.mse_loss(tanh ? y.tanh() : y, target).backward();
        using var noGrad = no_grad();
        var w = weight.detach();
        var b = bias.detach();

        var (gw, gb, squared) = DecoderGroup.LocalGradients(w, b, tanh, input, target);
        var output = nn.functional.linear(input, w, b);
        double expected = (tanh ? output.tanh() : output).sub(target).square().sum().item<float>();
        Assert.AreEqual(expected, squared, 1e-5 * expected, "whole decoder, squared error");
        Assert.IsTrue(gw.allclose(weight.grad!, rtol: 1e-5, atol: 1e-7), "whole decoder, weight");
        Assert.IsTrue(gb.allclose(bias.grad!, rtol: 1e-5, atol: 1e-7), "whole decoder, bias");

        // Outputs 4..8 as a block, into a caller's buffer, with the fused path and with the tensor-op path (targets whose
        // rows are not contiguous).
        var buffer = full([5, 10], float.NaN);
        var (bw, bb, blockSquared) = DecoderGroup.LocalGradients(w.narrow(0, 4, 5), b.narrow(0, 4, 5), tanh, input, target, 4, buffer);
        Assert.AreSame(buffer, bw);
        Assert.IsTrue(bw.allclose(weight.grad!.narrow(0, 4, 5), rtol: 1e-5, atol: 1e-7), "block, weight");
        Assert.IsTrue(bb.allclose(bias.grad!.narrow(0, 4, 5), rtol: 1e-5, atol: 1e-7), "block, bias");
        var stridedTarget = target.t().contiguous().t();
        var (sw, sb, stridedSquared) = DecoderGroup.LocalGradients(w.narrow(0, 4, 5), b.narrow(0, 4, 5), tanh, input, stridedTarget, 4, measureLoss: true);
        Assert.IsTrue(sw.allclose(bw, rtol: 1e-5, atol: 1e-7) && sb.allclose(bb, rtol: 1e-5, atol: 1e-7), "tensor-op path");
        // The block's squared error, fused and on the tensor path (the GPU's), against the same sum taken directly.
        double blockExpected = (tanh ? output.tanh() : output).narrow(1, 4, 5).sub(target.narrow(1, 4, 5)).square().sum().item<float>();
        Assert.AreEqual(blockExpected, blockSquared, 1e-5 * blockExpected, "block, squared error (fused)");
        Assert.AreEqual(blockExpected, stridedSquared, 1e-5 * blockExpected, "block, squared error (tensor ops)");
        Assert.IsTrue(double.IsNaN(DecoderGroup.LocalGradients(w.narrow(0, 4, 5), b.narrow(0, 4, 5), tanh, input, stridedTarget, 4).SquaredError),
            "not measured on the tensor path unless asked");
    }

    [TestMethod]
    public void DecoderAdam_BlocksCoverTheRowsAndBlockStepsEqualAWholeStep()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(2);
        var p1 = randn([20, 6], generator: g);
        var b1 = randn([20], generator: g);
        var p2 = p1.clone();
        var b2 = b1.clone();
        using var whole = new DecoderAdam(p1.detach(), b1.detach(), new AdamSettings(), 20);
        using var blocked = new DecoderAdam(p2.detach(), b2.detach(), new AdamSettings(), 8);
        CollectionAssert.AreEqual(new long[] { 8, 8, 4 }, blocked.Blocks.Select(x => x.Rows).ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 8, 16 }, blocked.Blocks.Select(x => x.Start).ToArray());
        for (int step = 1; step <= 3; step++)
        {
            var gw = randn([20, 6], generator: g);
            var gb = randn([20], generator: g);
            whole.StepBlock(0, gw, gb, step); // one block of all 20 rows: the whole decoder
            foreach (var (block, i) in blocked.Blocks.Select((x, i) => (x, i)))
            {
                blocked.StepBlock(i, gw.narrow(0, block.Start, block.Rows), gb.narrow(0, block.Start, block.Rows), step);
            }
            blocked.Advance(1);
        }
        Assert.AreEqual(3, blocked.Steps);
        Assert.IsTrue(p1.Equals(p2), "weights");
        Assert.IsTrue(b1.Equals(b2), "biases");
    }

    [TestMethod]
    public void BlockRows_FewestEqualBlocksWithinTheBudget()
    {
        // 784 × 784 floats = 2.46 MB: three blocks of 264 rows (the last one 256).
        Assert.AreEqual(264, CascadeTrainer.BlockRows(784, 784));
        Assert.AreEqual(400, CascadeTrainer.BlockRows(10, 400)); // small decoder: one block
        Assert.AreEqual(7, CascadeTrainer.BlockRows(12, 7)); // never more rows than the decoder has
    }

    [TestMethod]
    public void TrainBatches_EqualsTrainingOneMiniBatchAtATime()
    {
        using var scope = NewDisposeScope();
        var spec = new NetworkSpec { InputSize = 784, Classes = 10, Depth = 4, Width = NetworkWidth.Fixed(24), SigmaW2 = 1.5, Seed = 3 };
        using var net = DeepNetwork.Create(spec);
        using var a = new Cascade(net.LayerSizes, Activation.Tanh, 5);
        using var b = new Cascade(net.LayerSizes, Activation.Tanh, 5);
        using var chunked = new CascadeTrainer(net, a, 1e-3, CPU);
        using var single = new CascadeTrainer(net, b, 1e-3, CPU);
        var x = TestData.Train.Take(57);
        var rows = tensor(x.Pixels.ToArray(), [57, 784]);
        int[] sizes = [16, 16, 16, 9];
        chunked.TrainBatches(rows, sizes);
        long start = 0;
        foreach (int n in sizes)
        {
            single.TrainBatch(rows.narrow(0, start, n));
            start += n;
        }
        foreach (var (pa, pb) in a.parameters().Zip(b.parameters()))
        {
            Assert.IsTrue(pa.allclose(pb, rtol: 1e-5, atol: 1e-7), "same updates");
        }
        using var fresh = new Cascade(net.LayerSizes, Activation.Tanh, 5);
        Assert.IsFalse(fresh.parameters().First().allclose(a.parameters().First()), "trained");
        Assert.ThrowsExactly<ArgumentException>(() => chunked.TrainBatches(rows, [16, 16]));
        // A cancelled chunk changes nothing: no decoder is left at a different step from the others.
        var before = a.parameters().Select(p => p.detach().clone()).ToArray();
        Assert.ThrowsExactly<OperationCanceledException>(() => chunked.TrainBatches(rows, sizes, new CancellationToken(canceled: true)));
        Assert.IsTrue(a.parameters().Zip(before).All(pair => pair.First.Equals(pair.Second)), "untouched");
    }

    /// <summary>Decoder <paramref name="layer"/>'s weight and bias (views of the cascade's stacked parameters).</summary>
    private static (Tensor Weight, Tensor Bias) DecoderOf(Cascade cascade, int layer)
    {
        var group = cascade.Groups.Single(g => layer >= g.FirstLayer && layer < g.FirstLayer + g.Count);
        return (group.Weight.detach()[layer - group.FirstLayer], group.Bias.detach()[layer - group.FirstLayer]);
    }

    [TestMethod]
    public void TrainBatches_MatchesTheAuthorsLoop_OneAutogradAdamPerDecoder()
    {
        // ReLU: decoder 1 ends with tanh, decoders 2.. are linear. Decoder 1 (400 → 784) is 1.25 MB: two row blocks.
        // Uneven mini-batches, and the last decoder left out (LastLayer = 3).
        using var scope = NewDisposeScope();
        var spec = new NetworkSpec { InputSize = 784, Classes = 10, Depth = 4, Width = NetworkWidth.Fixed(400), Activation = Activation.Relu, SigmaW2 = 2.0, Seed = 4 };
        using var net = DeepNetwork.Create(spec);
        using var cascade = new Cascade(net.LayerSizes, Activation.Relu, 6);
        Assert.IsTrue(cascade.TanhOutputs.SequenceEqual([true, false, false, false]), "tanh only on decoder 1");
        var reference = Enumerable.Range(1, 4).Select(l =>
        {
            var (w, b) = DecoderOf(cascade, l);
            return (W: new Parameter(w.clone()), B: new Parameter(b.clone()));
        }).ToArray();
        var optimizers = reference.Select(d => optim.Adam([d.W, d.B], lr: 1e-3)).ToArray();
        using var trainer = new CascadeTrainer(net, cascade, 1e-3, CPU) { LastLayer = 3 };
        Assert.HasCount(2, trainer.Schedule(1, 1, 1)[0]);

        var images = TestData.Train.Take(229);
        var rows = tensor(images.Pixels.ToArray(), [229, 784]);
        int[] sizes = [64, 64, 64, 37];
        trainer.TrainBatches(rows, sizes);
        long start = 0;
        foreach (int n in sizes)
        {
            Tensor[] h;
            using (no_grad())
            {
                h = net.LayerOutputs(rows.narrow(0, start, n));
            }
            for (int l = 1; l <= 3; l++)
            {
                var (w, b) = reference[l - 1];
                var y = nn.functional.linear(h[l], w, b);
                var loss = nn.functional.mse_loss(l == 1 ? y.tanh() : y, h[l - 1]);
                optimizers[l - 1].zero_grad();
                loss.backward();
                optimizers[l - 1].step();
            }
            start += n;
        }
        for (int l = 1; l <= 4; l++)
        {
            var (w, b) = DecoderOf(cascade, l);
            Assert.IsTrue(w.allclose(reference[l - 1].W, rtol: 1e-4, atol: 1e-6), $"decoder {l} weight: max difference {(w - reference[l - 1].W).abs().max().item<float>()}");
            Assert.IsTrue(b.allclose(reference[l - 1].B, rtol: 1e-4, atol: 1e-6), $"decoder {l} bias");
        }
        foreach (var o in optimizers)
        {
            o.Dispose();
        }
    }

    [TestMethod]
    public void Schedule_GivesEveryBlockToExactlyOneWorker_Balanced()
    {
        var spec = new NetworkSpec { InputSize = 784, Classes = 10, Depth = 10, SigmaW2 = 1.76, Seed = 1 };
        using var net = DeepNetwork.Create(spec);
        using var cascade = new Cascade(net.LayerSizes, Activation.Tanh, 1);
        using var trainer = new CascadeTrainer(net, cascade, 1e-3, CPU);
        var shares = trainer.Schedule(1, 10, 2);
        Assert.HasCount(2, shares);
        var all = shares.SelectMany(s => s).ToList();
        // Decoders 1..8 (784 → 784) in three blocks, decoder 9 (400 → 784) in two, decoder 10 (10 → 400) whole.
        Assert.HasCount(27, all);
        Assert.HasCount(27, all.Distinct());
        double Cost(int l) => (double)net.LayerSizes[l - 1] * net.LayerSizes[l];
        double[] load = [.. shares.Select(s => s.Sum(item => Cost(item.Layer) / all.Count(x => x.Layer == item.Layer)))];
        Assert.IsLessThan(0.05, Math.Abs(load[0] - load[1]) / load.Sum(), "within 5 % of each other");
        var shallow = trainer.Schedule(1, 1, 2).SelectMany(s => s).ToList();
        Assert.IsTrue(shallow.All(x => x.Layer == 1), "only the decoders up to the last layer");
        Assert.HasCount(3, shallow);
    }

    [TestMethod]
    public void TorchWorkers_RunEveryIndex_PropagateFailures_LeaveTheCallersThreadsAlone()
    {
        int before = get_num_threads();
        using var workers = new TorchWorkers(3, 1);
        Assert.AreEqual(before, get_num_threads(), "the caller's thread count is unchanged");
        var seen = new int[3];
        var threads = new int[3];
        workers.Run(w =>
        {
            Interlocked.Increment(ref seen[w]);
            threads[w] = get_num_threads();
        });
        CollectionAssert.AreEqual(Ones, seen);
        CollectionAssert.AreEqual(Ones, threads, "each worker runs libtorch single-threaded");
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => workers.Run(w =>
        {
            if (w == 1)
            {
                throw new InvalidOperationException("worker 1 failed");
            }
        }));
        Assert.AreEqual("worker 1 failed", ex.Message);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => workers.Run(_ => cts.Token.ThrowIfCancellationRequested()));
        workers.Run(w => seen[w]++);
        Assert.IsTrue(seen.All(n => n == 2), "usable after a failure");
    }

    [TestMethod]
    public void DecoderDelta_MatchesTheFormula_WithStridedTargets()
    {
        var rng = new Random(4);
        int rows = 3, columns = 11, stride = 20, start = 5;
        float[] y = [.. Enumerable.Range(0, rows * columns).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        float[] target = [.. Enumerable.Range(0, 80).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        float[] original = [.. y];
        var gb = new float[columns];
        DecoderDelta.Compute(y, target, rows, columns, start, stride, true, 0.5f, gb);
        for (int j = 0; j < columns; j++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++)
            {
                double yy = original[(r * columns) + j];
                double expected = 0.5 * (yy - target[start + (r * stride) + j]) * (1 - (yy * yy));
                Assert.AreEqual(expected, y[(r * columns) + j], 1e-6);
                sum += expected;
            }
            Assert.AreEqual(sum, gb[j], 1e-6);
        }
        Assert.ThrowsExactly<ArgumentException>(() => DecoderDelta.Compute(y, target, rows, columns + 1, start, stride, true, 0.5f, gb));
    }
}
