namespace OrleansLog.Kafka.Protocol;

/// <summary>
/// One Kafka API as its definitions declare it: api key, name, version range and the request and response
/// classes. The listener advertises from these and picks header versions with them.
/// </summary>
public sealed class KafkaApi
{
    private readonly Func<IKafkaMessage> _createRequest;
    private readonly Func<IKafkaMessage> _createResponse;
    private readonly Func<short, bool> _isFlexible;

    internal KafkaApi(
        KafkaApiKey apiKey,
        string name,
        short lowestSupportedVersion,
        short highestSupportedVersion,
        bool latestVersionUnstable,
        Type requestType,
        Type responseType,
        Func<IKafkaMessage> createRequest,
        Func<IKafkaMessage> createResponse,
        Func<short, bool> isFlexible)
    {
        ApiKey = apiKey;
        Name = name;
        LowestSupportedVersion = lowestSupportedVersion;
        HighestSupportedVersion = highestSupportedVersion;
        LatestVersionUnstable = latestVersionUnstable;
        RequestType = requestType;
        ResponseType = responseType;
        _createRequest = createRequest;
        _createResponse = createResponse;
        _isFlexible = isFlexible;
    }

    /// <summary>The api key.</summary>
    public KafkaApiKey ApiKey { get; }

    /// <summary>Kafka's name for the API, such as "Produce".</summary>
    public string Name { get; }

    /// <summary>The lowest version in Kafka's definition.</summary>
    public short LowestSupportedVersion { get; }

    /// <summary>The highest version in Kafka's definition.</summary>
    public short HighestSupportedVersion { get; }

    /// <summary>True when Kafka marks the highest version unstable (a broker does not advertise it by default).</summary>
    public bool LatestVersionUnstable { get; }

    /// <summary>The generated request class.</summary>
    public Type RequestType { get; }

    /// <summary>The generated response class.</summary>
    public Type ResponseType { get; }

    /// <summary>True when the codec can read and write this version.</summary>
    public bool IsSupported(short version) => version >= LowestSupportedVersion && version <= HighestSupportedVersion;

    /// <summary>True for versions with the flexible encoding (compact lengths, tagged fields).</summary>
    public bool IsFlexible(short version) => _isFlexible(version);

    /// <summary>
    /// The request header version a client uses for this API at <paramref name="apiVersion"/>: 2 for flexible
    /// versions, else 1 (header v0 belongs only to ControlledShutdown v0, which is not served). Defined for any
    /// version, so the header of a request in an unsupported version can still be read.
    /// </summary>
    public short RequestHeaderVersion(short apiVersion) => IsFlexible(apiVersion) ? (short)2 : (short)1;

    /// <summary>
    /// The response header version to answer with: 1 for flexible versions, else 0, except that ApiVersions always
    /// answers with header v0, so that a client that does not yet know the broker's versions can read it.
    /// </summary>
    public short ResponseHeaderVersion(short apiVersion) =>
        ApiKey != KafkaApiKey.ApiVersions && IsFlexible(apiVersion) ? (short)1 : (short)0;

    /// <summary>A new, empty request of this API.</summary>
    public IKafkaMessage CreateRequest() => _createRequest();

    /// <summary>A new, empty response of this API.</summary>
    public IKafkaMessage CreateResponse() => _createResponse();

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({(short)ApiKey}) v{LowestSupportedVersion}-{HighestSupportedVersion}";
}
