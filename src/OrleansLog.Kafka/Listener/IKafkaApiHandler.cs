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

    /// <summary>Answers <paramref name="request"/>; null when the API sends no response (Produce with acks=0).</summary>
    ValueTask<IKafkaMessage?> HandleAsync(KafkaRequestContext context, IKafkaMessage request, CancellationToken cancellationToken);

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
    public async ValueTask<IKafkaMessage?> HandleAsync(KafkaRequestContext context, IKafkaMessage request, CancellationToken cancellationToken) =>
        await HandleAsync(context, (TRequest)request, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public IKafkaMessage ErrorResponse(IKafkaMessage request, KafkaErrorCode error) => ErrorResponse((TRequest)request, error);

    /// <summary>Answers the request; null for no response.</summary>
    protected abstract ValueTask<TResponse?> HandleAsync(KafkaRequestContext context, TRequest request, CancellationToken cancellationToken);

    /// <summary>The response that reports <paramref name="error"/> for every part of the request.</summary>
    protected abstract TResponse ErrorResponse(TRequest request, KafkaErrorCode error);
}
