namespace Entropy.MLNet.MLNet;

/// <summary>
/// Hands the state that ML.NET cannot save (TorchSharp weights, sweep tables) to the mapping factories ML.NET creates
/// with a parameterless constructor while it loads a model. <see cref="TrainabilityModel.Load(Microsoft.ML.MLContext, string, out Microsoft.ML.DataViewSchema)"/>
/// stages one artifact per component, in chain order, under <see cref="LoadGate"/>; each factory takes the next one of
/// its contract. A factory that finds nothing staged (a plain <c>mlContext.Model.Load</c>) fails with a clear message.
/// The artifacts are staged per thread: ML.NET creates the factories on the thread that calls <c>Load</c>, so a plain
/// <c>mlContext.Model.Load</c> running on another thread at the same time cannot take them.
/// </summary>
internal static class StagedArtifacts
{
    [ThreadStatic]
    private static Dictionary<string, Queue<object>>? t_queues;

    private static Dictionary<string, Queue<object>> Queues => t_queues ??= new(StringComparer.Ordinal);

    /// <summary>Serialises loads, so that concurrent loads cannot take each other's artifacts.</summary>
    public static readonly Lock LoadGate = new();

    public static void Stage(string contract, object artifact)
    {
        if (!Queues.TryGetValue(contract, out var queue))
        {
            Queues[contract] = queue = new Queue<object>();
        }
        queue.Enqueue(artifact);
    }

    public static T Take<T>(string contract)
    {
        if (Queues.TryGetValue(contract, out var queue) && queue.TryDequeue(out object? artifact))
        {
            return (T)artifact;
        }
        throw new InvalidOperationException(
            $"The model holds the Entropy.MLNet component '{contract}' but not its saved state (TorchSharp weights or sweep table). " +
            "Such models must be saved with TrainabilityModel.Save (mlContext.Model.Save cannot store that state) and loaded with " +
            "TrainabilityModel.Load (not mlContext.Model.Load): the state travels as extra entries of the .zip.");
    }

    /// <summary>Artifacts staged and not taken: more than the loaded model had components for.</summary>
    public static int Count => Queues.Values.Sum(q => q.Count);

    /// <summary>Drops whatever a failed load left behind.</summary>
    public static void Clear()
    {
        foreach (var queue in Queues.Values)
        {
            queue.Clear();
        }
    }
}
