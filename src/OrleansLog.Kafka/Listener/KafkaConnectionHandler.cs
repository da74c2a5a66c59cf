using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLog.Kafka.Hosting;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Listener;

/// <summary>
/// One Kafka client connection, on Kestrel: size-prefixed requests in, size-prefixed responses out, in the order the requests came.
/// Each request is started once the one before it is ordered (a producer's pipelined requests must reach each partition in order);
/// answers that wait for storage (Produce with acks=all) wait side by side, up to <see cref="MaxPendingAnswers"/>, and a writer
/// sends them in request order. Requests the client pipelines beyond that wait, read ahead, in the connection's input pipe.
/// </summary>
internal sealed partial class KafkaConnectionHandler(
    KafkaRequestDispatcher dispatcher,
    IOptions<KafkaListenerOptions> options,
    ILogger<KafkaConnectionHandler> logger) : ConnectionHandler
{
    /// <summary>
    /// How many started requests may wait for their answers at once: more than the 5 in-flight requests Kafka's idempotent
    /// producers allow, so they never wait on the broker, while a client that pipelines without limit is held back by TCP.
    /// </summary>
    internal const int MaxPendingAnswers = 16;

    private const int SizePrefixBytes = 4;

    /// <inheritdoc />
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var settings = options.Value;
        var input = connection.Transport.Input;
        var answers = Channel.CreateBounded<Task<KafkaResponse?>>(new BoundedChannelOptions(MaxPendingAnswers) { SingleReader = true, SingleWriter = true });
        KafkaMetrics.ConnectionOpened();
        LogConnected(connection.ConnectionId, connection.RemoteEndPoint?.ToString());
        var writer = WriteAnswersAsync(connection, answers);
        try
        {
            while (!connection.ConnectionClosed.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
                idle.CancelAfter(settings.IdleTimeout);
                var size = await ReadSizeAsync(input, settings.MaxRequestBytes, idle.Token).ConfigureAwait(false);
                if (size < 0)
                {
                    break;
                }

                var frame = ArrayPool<byte>.Shared.Rent(size);
                Task<KafkaResponse?> answer;
                try
                {
                    await ReadFrameAsync(input, frame.AsMemory(0, size), idle.Token).ConfigureAwait(false);
                    KafkaMetrics.BytesIn(size + SizePrefixBytes);
                    answer = await dispatcher.StartAsync(frame.AsMemory(0, size), connection.RemoteEndPoint, connection.ConnectionClosed).ConfigureAwait(false);
                }
                finally
                {
                    // Handlers copy what they keep (record batches go to the partition as arrays of their own), so once the request is
                    // started the frame can go back.
                    ArrayPool<byte>.Shared.Return(frame);
                }

                await answers.Writer.WriteAsync(answer, connection.ConnectionClosed).ConfigureAwait(false);
            }
        }
        catch (KafkaProtocolException e)
        {
            LogMalformed(connection.ConnectionId, connection.RemoteEndPoint?.ToString(), e.Message);
        }
        catch (KafkaConnectionClosingException e)
        {
            LogClosing(connection.ConnectionId, connection.RemoteEndPoint?.ToString(), e.Message);
        }
        catch (OperationCanceledException) when (!connection.ConnectionClosed.IsCancellationRequested)
        {
            LogIdle(connection.ConnectionId, connection.RemoteEndPoint?.ToString(), settings.IdleTimeout);
        }
        catch (Exception e) when (IsClientGone(e) || e is ChannelClosedException)
        {
            // The client went away (the answer writer closes the channel when it notices first).
        }
        finally
        {
            // The answers of requests already started are still sent, in order, before the connection closes.
            answers.Writer.TryComplete();
            await writer.ConfigureAwait(false);
            KafkaMetrics.ConnectionClosed();
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    // Writes each answer when it is ready, in request order, encoding it into one buffer the connection reuses. If the connection
    // cannot be written, it is aborted and the channel closed, so the reading side stops too.
    private async Task WriteAnswersAsync(ConnectionContext connection, Channel<Task<KafkaResponse?>> answers)
    {
        var output = connection.Transport.Output;
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            await foreach (var answer in answers.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (await answer.ConfigureAwait(false) is not { } response)
                {
                    continue;
                }

                buffer.ResetWrittenCount();
                response.Write(buffer);
                BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(SizePrefixBytes), buffer.WrittenCount);
                output.Advance(SizePrefixBytes);
                await output.WriteAsync(buffer.WrittenMemory, connection.ConnectionClosed).ConfigureAwait(false);
                KafkaMetrics.BytesOut(buffer.WrittenCount + SizePrefixBytes);
            }
        }
        catch (Exception e)
        {
            if (!IsClientGone(e))
            {
                LogWriteFailed(connection.ConnectionId, connection.RemoteEndPoint?.ToString(), e);
            }

            answers.Writer.TryComplete();
            connection.Abort();
        }
        finally
        {
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    // What reading or writing a connection throws once the client has gone (or the connection was aborted).
    private static bool IsClientGone(Exception e) =>
        e is OperationCanceledException or ConnectionResetException or IOException or ConnectionAbortedException;

    // The next request's size, or -1 when the client closed the connection between requests.
    private static async ValueTask<int> ReadSizeAsync(PipeReader input, int maxRequestBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= SizePrefixBytes)
            {
                Span<byte> prefix = stackalloc byte[SizePrefixBytes];
                buffer.Slice(0, SizePrefixBytes).CopyTo(prefix);
                var size = BinaryPrimitives.ReadInt32BigEndian(prefix);
                if (size < 8 || size > maxRequestBytes)
                {
                    throw new KafkaProtocolException(KafkaErrorCode.InvalidRequest, $"a request size prefix of {size} bytes is outside 8 to {maxRequestBytes} (OrleansLog:Kafka:MaxRequestBytes)");
                }

                input.AdvanceTo(buffer.GetPosition(SizePrefixBytes));
                return size;
            }

            if (result.IsCompleted)
            {
                if (buffer.Length == 0)
                {
                    input.AdvanceTo(buffer.End);
                    return -1;
                }

                throw new KafkaProtocolException(KafkaErrorCode.InvalidRequest, "the connection closed inside a request size prefix");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    // Copies the request out of the pipe as it arrives, so a request larger than the pipe's buffer never stalls it.
    private static async ValueTask ReadFrameAsync(PipeReader input, Memory<byte> frame, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < frame.Length)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var take = (int)Math.Min(buffer.Length, frame.Length - filled);
            buffer.Slice(0, take).CopyTo(frame.Span[filled..]);
            filled += take;
            input.AdvanceTo(buffer.GetPosition(take));
            if (filled < frame.Length && result.IsCompleted)
            {
                throw new KafkaProtocolException(KafkaErrorCode.InvalidRequest, $"the connection closed {frame.Length - filled} bytes before the end of a request");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka connection {ConnectionId} from {Remote} opened")]
    private partial void LogConnected(string connectionId, string? remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka connection {ConnectionId} from {Remote} closed: malformed request ({Reason})")]
    private partial void LogMalformed(string connectionId, string? remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka connection {ConnectionId} from {Remote} closed: {Reason}")]
    private partial void LogClosing(string connectionId, string? remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka connection {ConnectionId} from {Remote} closed: an answer could not be written")]
    private partial void LogWriteFailed(string connectionId, string? remote, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka connection {ConnectionId} from {Remote} closed after {IdleTimeout} idle (OrleansLog:Kafka:IdleTimeout)")]
    private partial void LogIdle(string connectionId, string? remote, TimeSpan idleTimeout);
}
