using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansLog.Streaming;

/// <summary>
/// Consecutive events of one stream delivered in one call (up to <see cref="OrleansLogStreamOptions.MaxEventsPerDelivery"/>): a batch
/// observer receives them as one batch, an item observer one by one. Its token is its last event's, so a subscriber that has it has
/// everything up to there.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("OrleansLog.Streaming.OrleansLogEventBatch")]
public sealed class OrleansLogEventBatch : IBatchContainer
{
    internal OrleansLogEventBatch(OrleansLogBatchContainer[] events) => Events = events;

    /// <summary>The events, in offset order.</summary>
    [Id(0)]
    public OrleansLogBatchContainer[] Events { get; }

    /// <inheritdoc />
    public StreamId StreamId => Events[0].StreamId;

    /// <inheritdoc />
    public StreamSequenceToken SequenceToken => Events[^1].Token;

    /// <inheritdoc />
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() => Events.SelectMany(e => e.GetEvents<T>());

    /// <inheritdoc />
    public bool ImportRequestContext() => false;

    /// <inheritdoc />
    public override string ToString() => $"{StreamId} {Events[0].Token}..{Events[^1].Token}";
}
