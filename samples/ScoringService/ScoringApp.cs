using System.Text.Json;
using System.Text.Json.Serialization;
using Entropy.MLNet.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.Samples.ScoringService;

/// <summary>
/// A minimal ASP.NET Core API that batch-scores network configurations with a saved trainability model (a sweep or a
/// predictor saved by <see cref="TrainabilityModel"/>). <c>POST /score</c> takes a JSON array of
/// <see cref="ConfigurationRequest"/> and returns one <see cref="ConfigurationScore"/> per item; an invalid request
/// (not an array, too many items, a missing or non-finite value, a depth below 1, a configuration outside the model's
/// grid) gets 400 with <c>{"error": "..."}</c>. <c>GET /health</c> answers <see cref="HealthResponse"/>. It listens on
/// 127.0.0.1 only.
/// <para>
/// Limits, so that no client can make the service hold unbounded memory or work: a body of at most
/// <see cref="MaxBodyBytes"/> (413 beyond), read item by item and refused as soon as it holds more than
/// <see cref="MaxBatch"/> items; at most <see cref="MaxConcurrentScoring"/> requests scored at once (503 with
/// Retry-After beyond), each on its own thread so that <c>/health</c> stays fast; a request whose client disconnects
/// stops within one item.
/// </para>
/// <para>Usage: <c>ScoringService --model model.zip [--port 5088]</c>.</para>
/// </summary>
public static class ScoringApp
{
    /// <summary>Largest batch accepted in one request.</summary>
    public const int MaxBatch = 10_000;

    /// <summary>Bytes allowed per item: a pretty-printed item with all four fields takes about 100.</summary>
    public const int MaxBytesPerItem = 256;

    /// <summary>Largest request body: what <see cref="MaxBatch"/> items need (2.56 MB).</summary>
    public const long MaxBodyBytes = (long)MaxBatch * MaxBytesPerItem;

    /// <summary>Requests scored at the same time: one per core but one, which stays free for I/O and /health; more get 503.</summary>
    public static int MaxConcurrentScoring { get; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int m = Array.IndexOf(args, "--model");
        int p = Array.IndexOf(args, "--port");
        if (m < 0 || m + 1 >= args.Length)
        {
            await Console.Error.WriteLineAsync("usage: ScoringService --model model.zip [--port 5088]").ConfigureAwait(false);
            return 1;
        }
        int port = p >= 0 && p + 1 < args.Length ? int.Parse(args[p + 1], System.Globalization.CultureInfo.InvariantCulture) : 5088;
        await using var app = Build(args[m + 1], port);
        await app.StartAsync().ConfigureAwait(false);
        // With --port 0 this is the only way to learn the port.
        Console.WriteLine($"listening on {app.Urls.First()}");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Builds the app, loading the model once; listens on http://127.0.0.1:<paramref name="port"/> (0 = a free port).</summary>
    public static WebApplication Build(string modelPath, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var scorer = new ConfigurationScorer(modelPath);
        var gate = new ScoringGate(MaxConcurrentScoring);
        var app = builder.Build();
        app.MapGet("/health", () => new HealthResponse("ok", gate.InFlight, gate.Limit));
        app.MapPost("/score", async (HttpContext context) =>
        {
            CancellationToken aborted = context.RequestAborted;
            if (!gate.TryEnter())
            {
                context.Response.Headers.RetryAfter = "1";
                return Results.Json(new ErrorResponse($"Busy: {gate.Limit} requests are being scored; retry later."), statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            try
            {
                var (items, error) = await ReadBatchAsync(context.Request, aborted).ConfigureAwait(false);
                if (error is not null)
                {
                    return error;
                }
                // Scoring is CPU work: run it on its own thread, not on the thread pool that answers /health.
                var scores = await Task.Factory.StartNew(() => scorer.Score(items!, aborted), aborted,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
                return Results.Ok(scores);
            }
            catch (ArgumentException ex)
            {
                return Results.BadRequest(new ErrorResponse(ex.Message));
            }
            catch (Exception) when (aborted.IsCancellationRequested)
            {
                // The client is gone: nobody reads the answer.
                return Results.Empty;
            }
            finally
            {
                gate.Exit();
            }
        });
        return app;
    }

    /// <summary>
    /// Reads the body item by item, so that memory follows the items kept (at most <see cref="MaxBatch"/>), never the
    /// body's size; returns the items, or the error response.
    /// </summary>
    private static async Task<(List<ConfigurationRequest?>? Items, IResult? Error)> ReadBatchAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return (null, Results.BadRequest(new ErrorResponse("The body must be a JSON array of configurations (Content-Type: application/json).")));
        }
        var items = new List<ConfigurationRequest?>();
        try
        {
            await foreach (var item in JsonSerializer.DeserializeAsyncEnumerable<ConfigurationRequest>(request.Body, JsonSerializerOptions.Web, ct).ConfigureAwait(false))
            {
                if (items.Count == MaxBatch)
                {
                    return (null, Results.BadRequest(new ErrorResponse($"At most {MaxBatch} configurations per request.")));
                }
                items.Add(item);
            }
        }
        catch (JsonException ex)
        {
            return (null, Results.BadRequest(new ErrorResponse($"The body must be a JSON array of configurations: {ex.Message}")));
        }
        catch (BadHttpRequestException ex)
        {
            string error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"The body is larger than {MaxBodyBytes} bytes ({MaxBatch} configurations of {MaxBytesPerItem} bytes)."
                : $"The body could not be read: {ex.Message}";
            return (null, Results.Json(new ErrorResponse(error), statusCode: ex.StatusCode));
        }
        if (items.Count == 0)
        {
            return (null, Results.BadRequest(new ErrorResponse("The body must be a non-empty JSON array of configurations.")));
        }
        return (items, null);
    }
}

/// <summary>The answer of <c>GET /health</c>.</summary>
/// <param name="Status">"ok".</param>
/// <param name="ScoringInFlight">Requests being read or scored now.</param>
/// <param name="ScoringLimit">Requests that may be read or scored at once (<see cref="ScoringApp.MaxConcurrentScoring"/>).</param>
public sealed record HealthResponse(string Status, int ScoringInFlight, int ScoringLimit);

/// <summary>Admits at most <see cref="Limit"/> requests at once, without queueing: a full gate answers at once.</summary>
/// <param name="limit">Requests admitted at once.</param>
public sealed class ScoringGate(int limit)
{
    private int _inFlight;

    /// <summary>Requests admitted at once.</summary>
    public int Limit { get; } = limit;

    /// <summary>Requests admitted now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a slot when one is free; returns false (at once) when the gate is full.</summary>
    public bool TryEnter()
    {
        int now;
        do
        {
            now = Volatile.Read(ref _inFlight);
            if (now >= Limit)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _inFlight, now + 1, now) != now);
        return true;
    }

    /// <summary>Returns the slot taken by <see cref="TryEnter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref _inFlight);
}

/// <summary>One configuration to score.</summary>
public sealed class ConfigurationRequest
{
    /// <summary>σ_w² (required).</summary>
    public double? SigmaW2 { get; set; }

    /// <summary>σ_b² (required).</summary>
    public double? SigmaB2 { get; set; }

    /// <summary>Depth L (required, at least 1).</summary>
    public int? Depth { get; set; }

    /// <summary>Activation; optional (the model's only activation when omitted).</summary>
    public string? Activation { get; set; }
}

/// <summary>The score of one configuration; absent fields are not produced by the loaded model.</summary>
public sealed class ConfigurationScore
{
    /// <summary>σ_w².</summary>
    public double SigmaW2 { get; set; }

    /// <summary>σ_b².</summary>
    public double SigmaB2 { get; set; }

    /// <summary>Depth.</summary>
    public int Depth { get; set; }

    /// <summary>Predicted maximum trainable depth (the probe's cutoff).</summary>
    public float Cutoff { get; set; }

    /// <summary>Mean-field ξ_c (null when not finite).</summary>
    public float? XiC { get; set; }

    /// <summary>The sweep's trainability score in (0, 1), above ½ when predicted trainable.</summary>
    public float ProbeScore { get; set; }

    /// <summary>Cutoff ≥ Depth.</summary>
    public bool PredictedTrainable { get; set; }

    /// <summary>Calibrated probability that the configuration trains (predictor models only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float? Probability { get; set; }
}

/// <summary>A 400 body.</summary>
/// <param name="Error">What is wrong.</param>
public sealed record ErrorResponse(string Error);

/// <summary>Validates configurations and scores them in one batch through the loaded ML.NET model.</summary>
public sealed class ConfigurationScorer
{
    private readonly MLContext _ml = new();
    private readonly ITransformer _model;
    private readonly bool _takesActivation;

    /// <summary>Loads the model.</summary>
    /// <param name="modelPath">A .zip saved by <see cref="TrainabilityModel"/>.</param>
    public ConfigurationScorer(string modelPath)
    {
        _model = TrainabilityModel.Load(_ml, modelPath, out var schema);
        _takesActivation = schema.GetColumnOrNull("Activation") is not null;
    }

    /// <summary>Scores a batch; throws <see cref="ArgumentException"/> naming the item and field for invalid input.</summary>
    /// <param name="items">The configurations.</param>
    /// <param name="ct">Checked before each item (an unseen σ_w² costs milliseconds of mean-field work).</param>
    public List<ConfigurationScore> Score(IReadOnlyList<ConfigurationRequest?> items, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var rows = new List<Row>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i] ?? throw new ArgumentException($"Item {i} is null.");
            if (item.SigmaW2 is not { } w || !double.IsFinite(w) || w <= 0)
            {
                throw new ArgumentException($"Item {i}: sigmaW2 is required and must be a finite number above 0.");
            }
            if (item.SigmaB2 is not { } b || !double.IsFinite(b) || b < 0)
            {
                throw new ArgumentException($"Item {i}: sigmaB2 is required and must be a finite number of at least 0.");
            }
            if (item.Depth is not { } d || d < 1)
            {
                throw new ArgumentException($"Item {i}: depth is required and must be at least 1.");
            }
            if (!_takesActivation && !string.IsNullOrWhiteSpace(item.Activation))
            {
                throw new ArgumentException($"Item {i}: this model was fitted for one activation and takes no 'activation' field.");
            }
            rows.Add(new Row { SigmaW2 = (float)w, SigmaB2 = (float)b, Depth = d, Activation = item.Activation ?? "" });
        }
        IDataView input = _takesActivation ? _ml.Data.LoadFromEnumerable(rows) : _ml.Data.LoadFromEnumerable(rows.Select(r => new RowNoActivation { SigmaW2 = r.SigmaW2, SigmaB2 = r.SigmaB2, Depth = r.Depth }));
        try
        {
            var scores = Read(_model.Transform(input), items.Count, ct);
            // Echo the request's values, not their Single rounding (the model's columns are Single).
            for (int i = 0; i < scores.Count; i++)
            {
                scores[i].SigmaW2 = items[i]!.SigmaW2!.Value;
                scores[i].SigmaB2 = items[i]!.SigmaB2!.Value;
            }
            return scores;
        }
        catch (Exception ex) when (Inner(ex) is ArgumentException inner)
        {
            // The model rejects configurations outside its grid while scoring (ML.NET wraps the error).
            throw new ArgumentException(inner.Message, inner);
        }
    }

    private static List<ConfigurationScore> Read(IDataView scored, int count, CancellationToken ct)
    {
        var schema = scored.Schema;
        var result = new List<ConfigurationScore>(count);
        var probeScore = schema["ProbeScore"];
        using var cursor = scored.GetRowCursor(schema);
        float w = 0, b = 0, cutoff = 0, xi = 0, score = 0, probability = 0;
        int depth = 0;
        var getW = cursor.GetGetter<float>(schema["SigmaW2"]);
        var getB = cursor.GetGetter<float>(schema["SigmaB2"]);
        var getDepth = cursor.GetGetter<int>(schema["Depth"]);
        var getCutoff = cursor.GetGetter<float>(schema["Cutoff"]);
        var getXi = cursor.GetGetter<float>(schema["XiC"]);
        var getScore = cursor.GetGetter<float>(probeScore);
        var getProbability = schema.GetColumnOrNull("Probability") is { } pc ? cursor.GetGetter<float>(pc) : null;
        while (cursor.MoveNext())
        {
            // The model computes each row in the getters below: stop between rows once the client is gone.
            ct.ThrowIfCancellationRequested();
            getW(ref w);
            getB(ref b);
            getDepth(ref depth);
            getCutoff(ref cutoff);
            getXi(ref xi);
            getScore(ref score);
            getProbability?.Invoke(ref probability);
            result.Add(new ConfigurationScore
            {
                SigmaW2 = w,
                SigmaB2 = b,
                Depth = depth,
                Cutoff = cutoff,
                XiC = float.IsFinite(xi) ? xi : null,
                ProbeScore = score,
                // The sweep's decision (its PredictedLabel column; a predictor's PredictedLabel is the classifier's).
                PredictedTrainable = cutoff >= depth,
                Probability = getProbability is null ? null : probability,
            });
        }
        return result;
    }

    private static Exception Inner(Exception ex)
    {
        Exception e = ex;
        while (e is not ArgumentException && e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e;
    }

    private sealed class Row
    {
        public float SigmaW2 { get; set; }

        public float SigmaB2 { get; set; }

        public int Depth { get; set; }

        public string Activation { get; set; } = "";
    }

    private sealed class RowNoActivation
    {
        public float SigmaW2 { get; set; }

        public float SigmaB2 { get; set; }

        public int Depth { get; set; }
    }
}
