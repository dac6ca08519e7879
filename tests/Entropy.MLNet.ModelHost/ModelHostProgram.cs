using System.Text.Json;
using Entropy.MLNet.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.ModelHost;

/// <summary>
/// Loads a model with <see cref="TrainabilityModel.Load(MLContext, string, out DataViewSchema)"/>, scores an input file
/// and writes every Single, Boolean and Single-vector output column as JSON (floats round-trip exactly).
/// Usage: <c>images MODEL.zip INPUT.json OUTPUT.json</c> (input: <see cref="ImageInput"/>) or
/// <c>configurations MODEL.zip INPUT.json OUTPUT.json</c> (input: a list of <see cref="ConfigurationInput"/>), or
/// <c>load MODEL.zip - OUTPUT.json</c>: only load the model and write a <see cref="LoadReport"/> with the process's
/// resident memory before and at its peak during the load (exit code 0 loaded, 2 refused with an
/// <see cref="InvalidDataException"/>, 1 anything else), or
/// <c>probe-memory none|tensors|native INPUT.json OUTPUT.json</c> (the <see cref="ProbeMemory"/> check, with an optional
/// deliberate leak; input: <see cref="ProbeMemoryInput"/>, output: <see cref="ProbeMemoryOutput"/>).
/// Mode <c>load-dispose MODEL.zip INPUT.json OUTPUT.json</c> loads and disposes the model many times instead (see <see cref="LoadDisposeCycles"/>).
/// </summary>
public static class ModelHostProgram
{
    /// <summary>Entry point; returns 0 on success, 1 with a message on stderr otherwise.</summary>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: images|configurations MODEL.zip INPUT.json OUTPUT.json, or probe-memory none|tensors|native INPUT.json OUTPUT.json");
            return 1;
        }
        if (args[0] == "load")
        {
            return Load(args[1], args[3]);
        }
        if (args[0] == "load-dispose")
        {
            return LoadDisposeCycles(args[1], args[2], args[3]);
        }
        try
        {
            if (args[0] == "probe-memory")
            {
                var leak = Enum.Parse<ProbeMemoryLeak>(args[1], ignoreCase: true);
                var settings = JsonSerializer.Deserialize<ProbeMemoryInput>(File.ReadAllText(args[2]))!;
                File.WriteAllText(args[3], JsonSerializer.Serialize(ProbeMemory.Run(leak, settings)));
                return 0;
            }
            var ml = new MLContext(seed: 0);
            ITransformer model = TrainabilityModel.Load(ml, args[1], out _);
            IDataView input = args[0] switch
            {
                "images" => ImagesView(ml, JsonSerializer.Deserialize<ImageInput>(File.ReadAllText(args[2]))!),
                "configurations" => ConfigurationsView(ml, JsonSerializer.Deserialize<List<ConfigurationInput>>(File.ReadAllText(args[2]))!),
                _ => throw new ArgumentException($"Unknown mode '{args[0]}'."),
            };
            File.WriteAllText(args[3], JsonSerializer.Serialize(ReadColumns(model.Transform(input))));
            return 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Console.Error.WriteLine(ex.ToString());
            return 1;
        }
    }

    /// <summary>
    /// Loads and disposes the model <see cref="LoadDisposeInput.Cycles"/> times after a few warm-up cycles, keeping every
    /// disposed model reachable so that no finalizer can free what <c>Dispose</c> left behind, and writes the resident
    /// memory (VmRSS) before and after as a <see cref="LoadDisposeReport"/>.
    /// </summary>
    public static int LoadDisposeCycles(string model, string inputPath, string outputPath)
    {
        try
        {
            var input = JsonSerializer.Deserialize<LoadDisposeInput>(File.ReadAllText(inputPath))!;
            var ml = new MLContext(seed: 0);
            for (int i = 0; i < input.WarmUp; i++)
            {
                (TrainabilityModel.Load(ml, model, out _) as IDisposable)?.Dispose();
            }
            var held = new List<ITransformer>(input.Cycles);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long before = ProcStatus("VmRSS");
            bool disposable = true;
            for (int i = 0; i < input.Cycles; i++)
            {
                ITransformer loaded = TrainabilityModel.Load(ml, model, out _);
                disposable &= loaded is IDisposable;
                (loaded as IDisposable)?.Dispose();
                held.Add(loaded);
            }
            GC.Collect();
            long after = ProcStatus("VmRSS");
            var report = new LoadDisposeReport { Cycles = held.Count, Disposable = disposable, BeforeBytes = before, AfterBytes = after };
            File.WriteAllText(outputPath, JsonSerializer.Serialize(report));
            GC.KeepAlive(held);
            return 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Console.Error.WriteLine(ex.ToString());
            return 1;
        }
    }

    /// <summary>Loads a model and reports the peak resident memory the load added.</summary>
    private static int Load(string model, string output)
    {
        var ml = new MLContext(seed: 0);
        // Load the native libraries first, so that the baseline includes them and only the load itself is measured.
        Entropy.MLNet.Runtime.TorchRuntime.EnsureLoaded();
        using (TorchSharp.torch.zeros(1))
        {
        }
        long baseline = ProcStatus("VmRSS");
        // Resets the peak (VmHWM) to the current size (Linux 4.0+); without it the peak still bounds the load from above.
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        var report = new LoadReport { BaselineBytes = baseline };
        int code;
        try
        {
            (TrainabilityModel.Load(ml, model, out _) as IDisposable)?.Dispose();
            report.Outcome = "loaded";
            code = 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            report.Outcome = ex.GetType().FullName;
            report.Message = ex.Message;
            code = ex is InvalidDataException ? 2 : 1;
        }
        report.PeakBytes = ProcStatus("VmHWM");
        File.WriteAllText(output, JsonSerializer.Serialize(report));
        return code;
    }

    /// <summary>A size field of /proc/self/status in bytes (0 where there is none).</summary>
    private static long ProcStatus(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                string kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    /// <summary>An in-memory image column of the given name and dimensions.</summary>
    public static IDataView ImagesView(MLContext ml, ImageInput input)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(input);
        var schema = SchemaDefinition.Create(typeof(ImageRow));
        schema[0].ColumnName = input.Column;
        schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, input.Dimensions);
        return ml.Data.LoadFromEnumerable(input.Rows.Select(r => new ImageRow { Pixels = r }), schema);
    }

    /// <summary>Configurations as the sweep reads them.</summary>
    public static IDataView ConfigurationsView(MLContext ml, IEnumerable<ConfigurationInput> rows)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary>Every Single, Boolean and Single-vector column, row after row.</summary>
    public static Dictionary<string, List<object>> ReadColumns(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var columns = data.Schema.Where(c => !c.IsHidden && (c.Type == NumberDataViewType.Single || c.Type == BooleanDataViewType.Instance
            || (c.Type is VectorDataViewType v && v.ItemType == NumberDataViewType.Single))).ToList();
        var result = columns.ToDictionary(c => c.Name, _ => new List<object>());
        using var cursor = data.GetRowCursor(columns);
        var getters = columns.Select<DataViewSchema.Column, Func<object>>(c =>
        {
            if (c.Type == NumberDataViewType.Single)
            {
                var g = cursor.GetGetter<float>(c);
                return () => { float v = 0; g(ref v); return v; };
            }
            if (c.Type == BooleanDataViewType.Instance)
            {
                var g = cursor.GetGetter<bool>(c);
                return () => { bool v = false; g(ref v); return v; };
            }
            var vg = cursor.GetGetter<VBuffer<float>>(c);
            return () => { VBuffer<float> v = default; vg(ref v); return v.DenseValues().ToArray(); };
        }).ToList();
        while (cursor.MoveNext())
        {
            for (int i = 0; i < columns.Count; i++)
            {
                result[columns[i].Name].Add(getters[i]());
            }
        }
        return result;
    }

    /// <summary>One image row.</summary>
    public sealed class ImageRow
    {
        /// <summary>Pixels.</summary>
        public float[] Pixels { get; set; } = [];
    }
}

/// <summary>Input of the <c>load-dispose</c> mode.</summary>
public sealed class LoadDisposeInput
{
    /// <summary>Measured load-and-dispose cycles.</summary>
    public int Cycles { get; set; } = 200;

    /// <summary>Cycles run before the first measurement (native libraries, allocator pools).</summary>
    public int WarmUp { get; set; } = 10;
}

/// <summary>What the <c>load-dispose</c> mode measured.</summary>
public sealed class LoadDisposeReport
{
    /// <summary>Measured cycles.</summary>
    public int Cycles { get; set; }

    /// <summary>Whether every loaded model was <see cref="IDisposable"/>.</summary>
    public bool Disposable { get; set; }

    /// <summary>Resident memory before the measured cycles.</summary>
    public long BeforeBytes { get; set; }

    /// <summary>Resident memory after them, every disposed model still reachable.</summary>
    public long AfterBytes { get; set; }
}

/// <summary>What the <c>load</c> mode reports.</summary>
public sealed class LoadReport
{
    /// <summary>"loaded", or the full name of the exception's type.</summary>
    public string? Outcome { get; set; }

    /// <summary>The exception's message, when the load failed.</summary>
    public string? Message { get; set; }

    /// <summary>Resident memory just before the load (runtime and native libraries loaded).</summary>
    public long BaselineBytes { get; set; }

    /// <summary>Peak resident memory (VmHWM) at the end of the load.</summary>
    public long PeakBytes { get; set; }
}

/// <summary>Images to score: the column name, its dimensions and the rows.</summary>
public sealed class ImageInput
{
    /// <summary>Column name.</summary>
    public string Column { get; set; } = "Features";

    /// <summary>Vector dimensions, e.g. [1, 6, 6].</summary>
    public int[] Dimensions { get; set; } = [];

    /// <summary>Rows of pixels.</summary>
    public List<float[]> Rows { get; set; } = [];
}

/// <summary>A configuration row (with an optional label, ignored when scoring).</summary>
public sealed class ConfigurationInput
{
    /// <summary>σ_w².</summary>
    public float SigmaW2 { get; set; }

    /// <summary>σ_b².</summary>
    public float SigmaB2 { get; set; }

    /// <summary>Depth.</summary>
    public int Depth { get; set; }

    /// <summary>Ground truth (unused when scoring).</summary>
    public bool Label { get; set; }
}
