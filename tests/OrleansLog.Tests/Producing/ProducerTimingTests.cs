using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansLog.Client;
using OrleansLog.Errors;
using OrleansLog.Partitions;
using OrleansLog.Producers;
using OrleansLog.Records;
using OrleansLog.Tests.Metadata;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Producing;

// The producer's linger and delivery timeout run on a fake clock: the tests move time instead of sleeping.
// The real-time WaitAsync guards below only stop a broken test from hanging the run.
public sealed class ProducerTimingTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly FakePartitionGrain _partition = new();
    private readonly OrleansLogClient _client;

    public ProducerTimingTests()
    {
        var topic = FakeTopicGrain.Describe("orders", partitionCount: 1);
        var grains = FakeGrainFactory.Create()
            .Add<ITopicGrain>("orders", new FakeTopicGrain(topic))
            .Add<IPartitionGrain>(new PartitionGrainKey("orders", topic.TopicId, 0).ToString(), _partition)
            .Add<IProducerIdGrain>(IProducerIdGrain.Key, new FakeProducerIdGrain());
        _client = new OrleansLogClient(grains.Grains, TimeSpan.FromMinutes(1), NullLoggerFactory.Instance, _time);
    }

    [Fact]
    public async Task Records_wait_in_their_batch_until_linger_has_passed_then_go_in_one_append()
    {
        var linger = TimeSpan.FromSeconds(5);
        await using var producer = _client.CreateProducer<string, string>(new ProducerOptions { Linger = linger });
        var delivered = new ConcurrentQueue<(DeliveryResult Result, Exception? Error)>();
        var allDelivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var value in new[] { "a", "b", "c" })
        {
            // SendAsync returns once the record is in the open batch, whose linger timer is then running.
            await producer.SendAsync("orders", new Message<string, string> { Key = "k", Value = value }, (result, error) =>
            {
                delivered.Enqueue((result, error));
                if (delivered.Count == 3)
                {
                    allDelivered.TrySetResult();
                }
            });
        }

        _time.Advance(linger - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_partition.Appends);
        Assert.Empty(delivered);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await allDelivered.Task.WaitAsync(Guard);

        var append = Assert.Single(_partition.Appends);
        var batch = Assert.Single(BatchesOf(append));
        var records = new List<(long Offset, long Timestamp, string Value)>();
        foreach (var record in RecordBatchReader.ReadRecords(batch))
        {
            records.Add((record.Offset, record.Timestamp, Encoding.UTF8.GetString(record.Value.Span)));
        }

        // Records without a timestamp of their own get the producer clock's time when they were sent.
        var sentAt = Start.ToUnixTimeMilliseconds();
        Assert.Equal([(0, sentAt, "a"), (1, sentAt, "b"), (2, sentAt, "c")], records);
        Assert.All(delivered, d => Assert.Null(d.Error));
        Assert.Equal([0L, 1L, 2L], delivered.Select(d => d.Result.Offset).Order());
    }

    [Fact]
    public async Task A_record_whose_append_never_answers_fails_with_a_delivery_timeout_once_the_timeout_has_passed()
    {
        var timeout = TimeSpan.FromSeconds(30);
        _partition.Hang = true;
        await using var producer = _client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.Zero, DeliveryTimeout = timeout, ResendInterval = TimeSpan.Zero });

        var send = producer.ProduceAsync("orders", new Message<string, string> { Value = "lost" });
        await _partition.FirstAppend.Task.WaitAsync(Guard);

        _time.Advance(timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(send.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var error = await Assert.ThrowsAsync<DeliveryTimeoutException>(() => send.WaitAsync(Guard));
        Assert.IsType<TimeoutException>(error.InnerException);

        // The timeout bounded the one call in flight; it was not retried past the deadline.
        var append = Assert.Single(_partition.Appends);
        Assert.Equal(1, RecordBatchHeader.Read(Assert.Single(BatchesOf(append)).Span).RecordCount);
    }

    [Fact]
    public async Task An_idempotent_append_that_does_not_answer_is_sent_again_after_the_resend_interval_and_the_copy_s_answer_completes_the_record()
    {
        _partition.HangingAppends = 1;
        await using var producer = _client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.Zero, ResendInterval = TimeSpan.FromSeconds(2) });

        var send = producer.ProduceAsync("orders", new Message<string, string> { Value = "lost-then-resent" });
        await _partition.FirstAppend.Task.WaitAsync(Guard);
        _time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        Assert.Single(_partition.Appends);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var delivered = await send.WaitAsync(Guard);

        // The copy carries the very same bytes (producer id and sequence), which is what lets a real partition write it once.
        Assert.Equal(2, _partition.Appends.Count);
        Assert.Equal(_partition.Appends[0], _partition.Appends[1]);
        Assert.True(RecordBatchHeader.Read(_partition.Appends[1]).ProducerId >= 0);
        Assert.Equal(1, delivered.Offset); // the fake gave the lost first copy offset 0; the answer is the copy's
    }

    [Fact]
    public async Task Without_idempotence_an_append_that_does_not_answer_is_never_sent_twice()
    {
        _partition.HangingAppends = 1;
        await using var producer = _client.CreateProducer<string, string>(new ProducerOptions
        {
            Linger = TimeSpan.Zero, Acks = Acks.Leader, ResendInterval = TimeSpan.FromSeconds(2), DeliveryTimeout = TimeSpan.FromSeconds(30),
        });

        var send = producer.ProduceAsync("orders", new Message<string, string> { Value = "once" });
        await _partition.FirstAppend.Task.WaitAsync(Guard);
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.False(send.IsCompleted);
        Assert.Single(_partition.Appends);

        _time.Advance(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<DeliveryTimeoutException>(() => send.WaitAsync(Guard));
        Assert.Single(_partition.Appends);
    }

    private static List<ReadOnlyMemory<byte>> BatchesOf(byte[] payload)
    {
        var batches = new List<ReadOnlyMemory<byte>>();
        foreach (var batch in new RecordBatchSequence(payload))
        {
            batches.Add(batch);
        }

        return batches;
    }
}
