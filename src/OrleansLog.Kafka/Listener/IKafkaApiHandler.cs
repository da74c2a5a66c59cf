using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Listener;

/// <summary>Serves one Kafka API: the versions it serves, its requests, and the error answer for a request it cannot serve.</summary>
internal interface IKafkaApiHandler
{
    /// <summary>The API this handler serves.</summary>
    KafkaApiKey ApiKey { get; }

    /// <summary>The lowest version served; ApiVersions still advertises 0 (older clients enable features only then), and a
    /// request below this version gets <see cref="ErrorResponse"/> with UNSUPPORTED_VERSION.</summary>
    short MinVersion { get; }

    /// <summary>The highest version served and advertised.</summary>
    short MaxVersion { get; }

    /// <summary>
    /// Starts answering <paramref name="request"/>. The returned value task completes once the request's effects are ordered after
    /// those of the connection's earlier requests, so the connection may start the next one; the task it gives completes with the
    /// answer, null when the API sends no response (Produce with acks=0). Only Produce with acks=all answers later than it is
    /// ordered: its records wait for storage while the producer's next request is appended.
    /// </summary>
    ValueTask<Task<IKafkaMessage?>> StartAsync(KafkaRequestContext context, IKafkaMessage request, CancellationToken cancellationToken);

    /// <summary>The response that reports <paramref name="error"/> for every part of <paramref name="request"/>.</summary>
    IKafkaMessage ErrorResponse(IKafkaMessage request, KafkaErrorCode error);
}

/// <summary>A typed <see cref="IKafkaApiHandler"/>.</summary>
/// <typeparam name="TRequest">The API's request message.</typeparam>
/// <typeparam name="TResponse">The API's response message.</typeparam>
internal abstract class KafkaApiHandler<TRequest, TResponse> : IKafkaApiHandler
    where TRequest : IKafkaMessage
    where TResponse : class, IKafkaMessage
{
    /// <inheritdoc />
    public abstract KafkaApiKey ApiKey { get; }

    /// <inheritdoc />
    public abstract short MinVersion { get; }

    /// <inheritdoc />
    public abstract short MaxVersion { get; }

    /// <inheritdoc />
    public async ValueTask<Task<IKafkaMessage?>> StartAsync(KafkaRequestContext context, IKafkaMessage request, CancellationToken cancellationToken) =>
        Task.FromResult<IKafkaMessage?>(await HandleAsync(context, (TRequest)request, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public IKafkaMessage ErrorResponse(IKafkaMessage request, KafkaErrorCode error) => ErrorResponse((TRequest)request, error);

    /// <summary>Answers the request; null for no response.</summary>
    protected abstract ValueTask<TResponse?> HandleAsync(KafkaRequestContext context, TRequest request, CancellationToken cancellationToken);

    /// <summary>The response that reports <paramref name="error"/> for every part of the request.</summary>
    protected abstract TResponse ErrorResponse(TRequest request, KafkaErrorCode error);
}
