using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansLog.Client;

namespace OrleansLog.Streaming;

/// <summary>
/// Writes an event a subscriber failed <see cref="OrleansLogStreamOptions.MaxDeliveryAttempts"/> times to the dead-letter topic, with
/// headers saying why, so the stream moves on and nothing is lost. Subscriptions are never faulted.
/// </summary>
internal sealed partial class DeadLetterFailureHandler(
    DeadLetters deadLetters, Func<Producer<byte[], byte[]>> producer, string topic, int partition, string deadLetterTopic, ILogger logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public async Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        if (sequenceToken is null || !deadLetters.TryTake(streamIdentity, sequenceToken.SequenceNumber, out var events, out var attempts))
        {
            LogDeliveryFailed(logger, streamIdentity, sequenceToken, subscriptionId.Guid);
            return;
        }

        foreach (var container in events)
        {
            var source = string.Create(CultureInfo.InvariantCulture, $"{topic}/{partition}/{container.Token.Offset}");
            var message = new Message<byte[], byte[]>
            {
                Key = container.StreamId.Key.ToArray(),
                Value = container.Value,
                Headers = StreamRecordCodec.DeadLetterHeaders(
                    container, $"delivery to subscription {subscriptionId.Guid:N} of provider '{streamProviderName}' failed {attempts} times", attempts, subscriptionId.Guid, source),
            };
            try
            {
                var written = await producer().ProduceAsync(deadLetterTopic, message);
                LogDeadLettered(logger, streamIdentity, source, attempts, deadLetterTopic, written.Partition, written.Offset);
            }
            catch (Exception e)
            {
                LogDeadLetterFailed(logger, streamIdentity, source, deadLetterTopic, e.Message);
            }
        }
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogSubscriptionFailed(logger, streamIdentity, subscriptionId.Guid);
        return Task.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Warning, "Delivering {Token} of stream {Stream} to subscription {Subscription} failed; it will be tried again.")]
    private static partial void LogDeliveryFailed(ILogger logger, StreamId stream, StreamSequenceToken? token, Guid subscription);

    [LoggerMessage(2, LogLevel.Warning, "Event {Source} of stream {Stream} failed {Attempts} deliveries and went to the dead-letter topic {Topic} (partition {Partition}, offset {Offset}).")]
    private static partial void LogDeadLettered(ILogger logger, StreamId stream, string source, int attempts, string topic, int partition, long offset);

    [LoggerMessage(3, LogLevel.Error, "Event {Source} of stream {Stream} failed its deliveries and could not be written to the dead-letter topic {Topic}: {Message}")]
    private static partial void LogDeadLetterFailed(ILogger logger, StreamId stream, string source, string topic, string message);

    [LoggerMessage(4, LogLevel.Warning, "Subscription {Subscription} to stream {Stream} could not be set up; it starts from the event that triggered it.")]
    private static partial void LogSubscriptionFailed(ILogger logger, StreamId stream, Guid subscription);
}
