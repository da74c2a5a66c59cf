using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansLog.Streaming;

namespace OrleansLog.Tests.Streaming;

/// <summary>The queue cache and its cursors as the pulling agent drives them: eviction, reads from the log, checkpoints, retries.</summary>
public sealed class QueueCacheTests
{
    private static readonly StreamId A = StreamId.Create("ns", "a");
    private static readonly StreamId B = StreamId.Create("ns", "b");

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_cursor_walks_only_its_streams_events_in_offset_order()
    {
        var cache = NewCache();
        Add(cache, (A, 0), (B, 1), (A, 2), (B, 3));
        var cursor = cache.GetCacheCursor(A, new OrleansLogSequenceToken(0));

        Assert.Equal([0L, 2L], Drain(cursor));
    }

    [Fact]
    public void Delivered_events_leave_a_full_cache_and_a_rewound_cursor_then_asks_for_a_log_read()
    {
        var cache = NewCache(cacheBytes: 64 * 1024);
        for (var offset = 0; offset < 100; offset++)
        {
            Add(cache, (A, offset), value: 2048);
        }

        Assert.True(cache.TryPurgeFromCache(out var purged));
        Assert.NotEmpty(purged);
        Assert.True(cache.Bytes <= 64 * 1024);
        Assert.True(cache.Start > 0);

        var cursor = (OrleansLogCursor)cache.GetCacheCursor(A, new OrleansLogSequenceToken(0));
        Assert.False(Next(cursor));
        Assert.True(cache.ReadRequested.IsCompleted);
        Assert.Same(cursor, Assert.Single(cache.TakeReads()));
        Assert.Equal(0, cursor.LogReadPosition);

        // The receiver's read fills the cursor up to the cache; then it goes on in the cache with no gap and no repeat.
        cursor.AddFromLog(Enumerable.Range(0, (int)cache.Start).Select(o => Event(A, o, 2048)).ToList(), cache.Start, 0);
        Assert.Equal(Enumerable.Range(0, 100).Select(o => (long)o), Drain(cursor));
    }

    [Fact]
    public void A_full_cache_is_under_pressure_while_a_cursor_needs_its_oldest_event_and_only_for_the_pressure_time()
    {
        var cache = NewCache(cacheBytes: 64 * 1024);
        var cursor = cache.GetCacheCursor(A, new OrleansLogSequenceToken(0));
        for (var offset = 0; offset < 100; offset++)
        {
            Add(cache, (A, offset), value: 2048);
        }

        Assert.True(cache.IsUnderPressure());
        Assert.False(cache.TryPurgeFromCache(out _));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.False(cache.IsUnderPressure());
        Assert.True(cache.TryPurgeFromCache(out _));

        // The slow cursor lost nothing: what left the cache is read from the log.
        Assert.False(Next(cursor));
        Assert.Contains(cursor, cache.TakeReads());
    }

    [Fact]
    public void The_checkpoint_is_the_oldest_event_still_being_delivered_and_idle_cursors_do_not_hold_it()
    {
        var cache = NewCache();
        cache.StartAt(0);
        var a = cache.GetCacheCursor(A, null);
        var b = cache.GetCacheCursor(B, null);
        Add(cache, (A, 0), (B, 1), (A, 2));
        Assert.Equal(0, cache.Checkpoint());

        Assert.True(Next(b));
        Assert.Equal(0, cache.Checkpoint());
        Assert.True(Next(a));
        Assert.True(Next(a));
        Assert.Equal(1, cache.Checkpoint());
        Assert.False(Next(b));
        Assert.Equal(2, cache.Checkpoint());
        Assert.False(Next(a));
        Assert.Equal(3, cache.Checkpoint());

        // The agent stops the queue: the checkpoint it reported stays when the cursors go.
        Add(cache, (B, 3));
        cache.UpdateDeliveryProgress(null, DateTime.UtcNow);
        a.Dispose();
        b.Dispose();
        Assert.Equal(3, cache.FinalCheckpoint);
    }

    [Fact]
    public void A_failed_event_is_offered_again_until_the_attempts_run_out_and_then_waits_as_a_dead_letter()
    {
        var deadLetters = new DeadLetters();
        var cache = NewCache(deadLetters: deadLetters);
        Add(cache, (A, 0), (A, 1));
        var cursor = cache.GetCacheCursor(A, new OrleansLogSequenceToken(0));

        Assert.True(Next(cursor));
        cursor.RecordDeliveryFailure();
        Assert.True(Next(cursor));
        Assert.Equal(0, cursor.GetCurrent(out _)!.SequenceToken.SequenceNumber);
        cursor.RecordDeliveryFailure();
        Assert.True(Next(cursor));
        cursor.RecordDeliveryFailure();

        Assert.True(deadLetters.TryTake(A, 0, out var letters, out var attempts));
        Assert.Equal(3, attempts);
        Assert.Equal(0, Assert.Single(letters).Token.Offset);
        Assert.True(Next(cursor));
        Assert.Equal(1, cursor.GetCurrent(out _)!.SequenceToken.SequenceNumber);
    }

    [Fact]
    public void A_cursor_at_a_delivered_events_token_below_the_cache_steps_over_it_at_once()
    {
        var cache = NewCache();
        cache.StartAt(11);
        Add(cache, (A, 11));

        var cursor = cache.GetCacheCursor(A, OrleansLogSequenceToken.ForEvent(10));
        Assert.True(Next(cursor));
        Assert.Equal(10, cursor.GetCurrent(out _)!.SequenceToken.SequenceNumber);
        Assert.Empty(cursor.GetCurrent(out _)!.GetEvents<object>());
        Assert.True(Next(cursor));
        Assert.Equal(11, cursor.GetCurrent(out _)!.SequenceToken.SequenceNumber);

        // A token an app made starts at that offset: below the cache it is read from the log.
        var rewound = cache.GetCacheCursor(A, new OrleansLogSequenceToken(10));
        Assert.False(Next(rewound));
    }

    [Fact]
    public void With_several_events_per_delivery_a_cursor_hands_out_its_streams_next_events_together_and_retries_and_dead_letters_them_together()
    {
        var deadLetters = new DeadLetters();
        var cache = NewCache(deadLetters: deadLetters, eventsPerDelivery: 3);
        Add(cache, (A, 0), (B, 1), (A, 2), (A, 3), (A, 4), (B, 5));
        var cursor = cache.GetCacheCursor(A, new OrleansLogSequenceToken(0));

        Assert.True(Next(cursor));
        var batch = Assert.IsType<OrleansLogEventBatch>(cursor.GetCurrent(out _));
        Assert.Equal([0L, 2L, 3L], batch.Events.Select(e => e.Token.Offset));
        Assert.Equal(3, batch.SequenceToken.SequenceNumber);
        Assert.Equal(0, cache.Checkpoint());

        for (var attempt = 0; attempt < 3; attempt++)
        {
            cursor.RecordDeliveryFailure();
            if (attempt < 2)
            {
                Assert.True(Next(cursor));
                Assert.Same(batch, cursor.GetCurrent(out _));
            }
        }

        Assert.True(deadLetters.TryTake(A, 3, out var letters, out _));
        Assert.Equal([0L, 2L, 3L], letters.Select(e => e.Token.Offset));
        Assert.True(Next(cursor));
        Assert.Equal(4, Assert.IsType<OrleansLogBatchContainer>(cursor.GetCurrent(out _)).Token.Offset);

        // A cursor at a delivered event's token gives that event alone, so the agent steps over exactly it.
        var resumed = cache.GetCacheCursor(A, OrleansLogSequenceToken.ForEvent(2));
        Assert.True(Next(resumed));
        Assert.Equal(2, Assert.IsType<OrleansLogBatchContainer>(resumed.GetCurrent(out _)).Token.Offset);
        Assert.True(Next(resumed));
        Assert.Equal([3L, 4L], Assert.IsType<OrleansLogEventBatch>(resumed.GetCurrent(out _)).Events.Select(e => e.Token.Offset));
    }

    private OrleansLogQueueCache NewCache(long cacheBytes = 16 * 1024 * 1024, DeadLetters? deadLetters = null, int eventsPerDelivery = 1)
    {
        var options = new OrleansLogStreamOptions { CacheBytes = cacheBytes, MaxEventsPerDelivery = eventsPerDelivery };
        var cache = new OrleansLogQueueCache(options, deadLetters ?? new DeadLetters(), null, _time);
        cache.StartAt(0);
        return cache;
    }

    private static OrleansLogBatchContainer Event(StreamId stream, long offset, int value = 8) =>
        new(stream, OrleansLogSequenceToken.ForEvent(offset), new byte[value], StreamEventFormat.Json, null, null);

    private static void Add(OrleansLogQueueCache cache, params (StreamId Stream, long Offset)[] events) => Add(cache, 8, events);

    private static void Add(OrleansLogQueueCache cache, (StreamId Stream, long Offset) e, int value) => Add(cache, value, [e]);

    private static void Add(OrleansLogQueueCache cache, int value, (StreamId Stream, long Offset)[] events)
    {
        cache.ReadTo(events[^1].Offset + 1, withEvents: true);
        cache.AddToCache(events.Select(e => (IBatchContainer)Event(e.Stream, e.Offset, value)).ToList());
    }

    private static bool Next(IQueueCacheCursor cursor) => cursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success;

    private static List<long> Drain(IQueueCacheCursor cursor)
    {
        var offsets = new List<long>();
        while (Next(cursor))
        {
            offsets.Add(cursor.GetCurrent(out _)!.SequenceToken.SequenceNumber);
        }

        return offsets;
    }
}
