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

    /// <summary>Answers the request in <paramref name="frame"/> (the bytes after its size prefix) into <paramref name="output"/>.</summary>
    /// <returns>False when the API sends no response (Produce with acks=0).</returns>
    /// <exception cref="KafkaProtocolException">The request is malformed or names an API or version that cannot be decoded.</exception>
    /// <exception cref="KafkaConnectionClosingException">The handler answers by closing the connection.</exception>
    public async ValueTask<bool> HandleAsync(ReadOnlyMemory<byte> frame, EndPoint? remote, IBufferWriter<byte> output, CancellationToken cancellationToken)
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

        var context = new KafkaRequestContext(header.RequestApiVersion, header.ClientId, remote);
        var started = Stopwatch.GetTimestamp();
        IKafkaMessage? response;
        if (!served)
        {
            response = handler.ErrorResponse(request, KafkaErrorCode.UnsupportedVersion);
            KafkaMetrics.RecordError(api.Name, (short)KafkaErrorCode.UnsupportedVersion);
        }
        else
        {
            try
            {
                response = await handler.HandleAsync(context, request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not KafkaConnectionClosingException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                var error = KafkaErrors.From(e);
                if (error == KafkaErrorCode.UnknownServerError)
                {
                    LogHandlerFailed(api.Name, version, header.ClientId, e);
                }

                response = handler.ErrorResponse(request, error);
                KafkaMetrics.RecordError(api.Name, (short)error);
            }
        }

        KafkaMetrics.RecordRequest(api.Name, Stopwatch.GetElapsedTime(started));
        if (response is null)
        {
            return false;
        }

        var writer = new KafkaWriter(output);
        new ResponseHeader { CorrelationId = header.CorrelationId }.Write(ref writer, api.ResponseHeaderVersion(version));
        response.Write(ref writer, version);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Api} v{Version} from client {ClientId} failed; answered UNKNOWN_SERVER_ERROR")]
    private partial void LogHandlerFailed(string api, short version, string? clientId, Exception error);
}
