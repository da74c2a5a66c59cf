using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Listener;

/// <summary>
/// Decodes one framed request, hands it to the handler of its API and encodes the answer. A request that cannot be decoded, or names
/// an API no handler serves, is a <see cref="KafkaProtocolException"/>: the connection closes, and nothing else is disturbed.
/// </summary>
internal sealed partial class KafkaRequestDispatcher
{
    private readonly Dictionary<short, IKafkaApiHandler> _handlers;
    private readonly ILogger _logger;

    public KafkaRequestDispatcher(IEnumerable<IKafkaApiHandler> handlers, ILogger<KafkaRequestDispatcher> logger)
    {
        _handlers = handlers.ToDictionary(h => (short)h.ApiKey);
        _logger = logger;
    }

    /// <summary>The handlers, for ApiVersions to advertise.</summary>
    public IEnumerable<IKafkaApiHandler> Handlers => _handlers.Values;

    /// <summary>
    /// Starts answering the request in <paramref name="frame"/> (the bytes after its size prefix). The value task completes once the
    /// request is decoded and its effects are ordered (the frame is no longer read then, and the next request may start); the task
    /// it gives completes with the answer to write, or null when the API sends no response (Produce with acks=0). That task does
    /// not fail: a handler's error is answered with the API's error response.
    /// </summary>
    /// <exception cref="KafkaProtocolException">The request is malformed or names an API or version that cannot be decoded.</exception>
    /// <exception cref="KafkaConnectionClosingException">The handler answers by closing the connection.</exception>
    public async ValueTask<Task<KafkaResponse?>> StartAsync(ReadOnlyMemory<byte> frame, EndPoint? remote, CancellationToken cancellationToken)
    {
        if (!RequestHeader.TryPeekApiKeyAndVersion(frame.Span, out var apiKey, out var version))
        {
            throw new KafkaProtocolException(KafkaErrorCode.InvalidRequest, $"A request of {frame.Length} bytes is too short for a request header.");
        }

        if (!KafkaApis.TryGet(apiKey, out var api) || !_handlers.TryGetValue(apiKey, out var handler))
        {
            throw new KafkaProtocolException(KafkaErrorCode.InvalidRequest, $"API key {apiKey} is not served by this broker.");
        }

        var served = api.IsSupported(version) && version >= handler.MinVersion && version <= handler.MaxVersion;
        if (!api.IsSupported(version) && api.ApiKey != KafkaApiKey.ApiVersions)
        {
            throw new KafkaProtocolException(KafkaErrorCode.UnsupportedVersion, $"{api.Name} v{version} is newer than this broker knows (up to v{api.HighestSupportedVersion}).");
        }

        var reader = new KafkaReader(frame);
        var header = new RequestHeader();
        var request = api.CreateRequest();
        if (api.ApiKey == KafkaApiKey.ApiVersions && !served)
        {
            // A client newer than the broker asks ApiVersions at its own version: the answer is error 35 in the v0 layout, with the
            // ranges, and the client retries at a version both know. Only the fixed part of the header is read.
            header.Read(ref reader, 1);
            version = 0;
        }
        else
        {
            header.Read(ref reader, api.RequestHeaderVersion(version));
            request.Read(ref reader, version);
        }

        var answer = new Answer(api, version, header.CorrelationId, header.ClientId, request, handler, Stopwatch.GetTimestamp());
        if (!served)
        {
            KafkaMetrics.RecordError(api.Name, (short)KafkaErrorCode.UnsupportedVersion);
            return Task.FromResult<KafkaResponse?>(answer.Response(handler.ErrorResponse(request, KafkaErrorCode.UnsupportedVersion)));
        }

        Task<IKafkaMessage?> response;
        try
        {
            response = await handler.StartAsync(new KafkaRequestContext(version, header.ClientId, remote), request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsAnswerable(e, cancellationToken))
        {
            response = Task.FromException<IKafkaMessage?>(e);
        }

        return response.IsCompletedSuccessfully ? Task.FromResult(answer.Response(response.Result)) : FinishAsync(answer, response, cancellationToken);
    }

    private async Task<KafkaResponse?> FinishAsync(Answer answer, Task<IKafkaMessage?> response, CancellationToken cancellationToken)
    {
        try
        {
            return answer.Response(await response.ConfigureAwait(false));
        }
        catch (Exception e) when (IsAnswerable(e, cancellationToken))
        {
            var error = KafkaErrors.From(e);
            if (error == KafkaErrorCode.UnknownServerError)
            {
                LogHandlerFailed(answer.Api.Name, answer.Version, answer.ClientId, e);
            }

            KafkaMetrics.RecordError(answer.Api.Name, (short)error);
            return answer.Response(answer.Handler.ErrorResponse(answer.Request, error));
        }
    }

    // Errors a handler's error response reports; the connection's own closing (cancellation, or a handler closing it) is not one.
    private static bool IsAnswerable(Exception e, CancellationToken cancellationToken) =>
        e is not KafkaConnectionClosingException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested);

    // What answering one request needs once its handler is done.
    private sealed record Answer(KafkaApi Api, short Version, int CorrelationId, string? ClientId, IKafkaMessage Request, IKafkaApiHandler Handler, long Started)
    {
        public KafkaResponse? Response(IKafkaMessage? message)
        {
            KafkaMetrics.RecordRequest(Api.Name, Stopwatch.GetElapsedTime(Started));
            return message is null ? null : new KafkaResponse(message, CorrelationId, Api.ResponseHeaderVersion(Version), Version);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Api} v{Version} from client {ClientId} failed; answered UNKNOWN_SERVER_ERROR")]
    private partial void LogHandlerFailed(string api, short version, string? clientId, Exception error);
}
