using Microsoft.Extensions.Logging;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Producers;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// InitProducerId 0–4 for idempotent producers: a producer id from the cluster's producer id grain, which never hands one out twice,
/// with epoch 0, as the native producer starts. Like Kafka without a transactional id, every call gets a new id, also when the
/// client sends its current id and epoch to bump it (KIP-360): partitions check sequences per producer id and start a new one at
/// any sequence. A transactional id gets UNSUPPORTED_VERSION: transactions are not supported yet.
/// </summary>
internal sealed partial class InitProducerIdHandler(IGrainFactory grains, ILogger<InitProducerIdHandler> logger)
    : KafkaApiHandler<InitProducerIdRequest, InitProducerIdResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.InitProducerId;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 4;

    /// <inheritdoc />
    protected override async ValueTask<InitProducerIdResponse?> HandleAsync(KafkaRequestContext context, InitProducerIdRequest request, CancellationToken cancellationToken)
    {
        if (request.TransactionalId is { } transactionalId)
        {
            LogTransactionsNotSupported(transactionalId, context.ClientId);
            KafkaMetrics.RecordError("InitProducerId", (short)KafkaErrorCode.UnsupportedVersion);
            return ErrorResponse(request, KafkaErrorCode.UnsupportedVersion);
        }

        var producerId = await grains.GetGrain<IProducerIdGrain>(IProducerIdGrain.Key).NextProducerIdAsync(cancellationToken).ConfigureAwait(false);
        return new InitProducerIdResponse { ProducerId = producerId, ProducerEpoch = 0 };
    }

    /// <inheritdoc />
    protected override InitProducerIdResponse ErrorResponse(InitProducerIdRequest request, KafkaErrorCode error) =>
        new() { ErrorCode = (short)error, ProducerId = -1, ProducerEpoch = -1 };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka InitProducerId for transactional id {TransactionalId} from client {ClientId}: transactions are not supported yet; answered UNSUPPORTED_VERSION")]
    private partial void LogTransactionsNotSupported(string transactionalId, string? clientId);
}
