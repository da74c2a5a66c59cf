using System.Diagnostics.CodeAnalysis;

namespace OrleansLog.Kafka.Protocol;

/// <summary>
/// The Kafka APIs this codec was generated for, by api key: what the listener advertises in ApiVersions and
/// how it picks header versions.
/// </summary>
public static partial class KafkaApis
{
    private static readonly KafkaApi?[] ByKey;

    // The generated table is a field of the other part of this class; field initializers of partial parts run in
    // no set order, but all of them before the static constructor, so the index is built here.
    static KafkaApis()
    {
        ByKey = IndexByKey();
    }

    /// <summary>Every API, in api key order.</summary>
    public static IReadOnlyList<KafkaApi> All => Generated;

    /// <summary>Finds the API with the given key; false for a key the codec does not know.</summary>
    public static bool TryGet(short apiKey, [NotNullWhen(true)] out KafkaApi? api)
    {
        api = apiKey >= 0 && apiKey < ByKey.Length ? ByKey[apiKey] : null;
        return api is not null;
    }

    /// <summary>The API with the given key; throws KafkaProtocolException (InvalidRequest) for an unknown key.</summary>
    public static KafkaApi Get(short apiKey) =>
        TryGet(apiKey, out KafkaApi? api)
            ? api
            : throw new KafkaProtocolException(KafkaErrorCode.InvalidRequest, $"Unknown Kafka api key {apiKey}.");

    /// <summary>The request header version for <paramref name="apiKey"/> at <paramref name="apiVersion"/>.</summary>
    public static short RequestHeaderVersion(short apiKey, short apiVersion) => Get(apiKey).RequestHeaderVersion(apiVersion);

    /// <summary>The response header version for <paramref name="apiKey"/> at <paramref name="apiVersion"/> (always 0 for ApiVersions).</summary>
    public static short ResponseHeaderVersion(short apiKey, short apiVersion) => Get(apiKey).ResponseHeaderVersion(apiVersion);

    private static KafkaApi?[] IndexByKey()
    {
        int size = 0;
        foreach (KafkaApi api in Generated)
        {
            size = Math.Max(size, (short)api.ApiKey + 1);
        }

        var byKey = new KafkaApi?[size];
        foreach (KafkaApi api in Generated)
        {
            byKey[(short)api.ApiKey] = api;
        }

        return byKey;
    }
}
