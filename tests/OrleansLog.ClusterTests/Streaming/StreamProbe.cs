using System.Collections.Concurrent;
using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansLog.Streaming;

namespace OrleansLog.ClusterTests.Streaming;

/// <summary>What the probe grains received, per stream key, in order (the test cluster's silos run in this process).</summary>
public static class StreamProbe
{
    /// <summary>The namespace the probe grains subscribe to implicitly.</summary>
    public const string Namespace = "probe";

    private static readonly ConcurrentDictionary<string, List<(string Value, long Offset)>> Received = new();

    /// <summary>The events stream <paramref name="key"/>'s probe received, in delivery order.</summary>
    public static List<string> Of(string key)
    {
        var events = Received.GetOrAdd(key, _ => []);
        lock (events)
        {
            return events.Select(e => e.Value).ToList();
        }
    }

    internal static void Record(string key, string value, StreamSequenceToken? token)
    {
        var events = Received.GetOrAdd(key, _ => []);
        lock (events)
        {
            events.Add((value, (token as OrleansLogSequenceToken)?.Offset ?? -1));
        }
    }
}

/// <summary>A probe grain's interface (implicit subscribers need one).</summary>
public interface IStreamProbeGrain : IGrainWithStringKey
{
    /// <summary>Does nothing; activates the grain.</summary>
    Task PingAsync();
}

/// <summary>Subscribes implicitly to every stream of <see cref="StreamProbe.Namespace"/> and records its events; fails every event starting with "poison".</summary>
[ImplicitStreamSubscription(StreamProbe.Namespace)]
public sealed class StreamProbeGrain : Grain, IStreamProbeGrain, IStreamSubscriptionObserver, IAsyncObserver<string>
{
    /// <inheritdoc />
    public Task PingAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<string>().ResumeAsync(this);

    /// <inheritdoc />
    public Task OnNextAsync(string item, StreamSequenceToken? token = null)
    {
        if (item.StartsWith("poison", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The probe refuses '{item}'.");
        }

        StreamProbe.Record(this.GetPrimaryKeyString(), item, token);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnCompletedAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
