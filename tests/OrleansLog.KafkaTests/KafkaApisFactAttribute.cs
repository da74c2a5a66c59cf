using OrleansLog.Kafka.Hosting;

namespace OrleansLog.KafkaTests;

/// <summary>
/// A test that needs the broker to serve Kafka APIs that are being built apart (Produce, Fetch, ListOffsets: branch kafka-data). It
/// is skipped, saying which API is missing, while this build has no handler for one of them, and runs once they are merged.
/// </summary>
public sealed class KafkaApisFactAttribute : FactAttribute
{
    // The APIs with a handler in the listener: the request types of the KafkaApiHandler<TRequest, TResponse> subclasses, and the
    // names of other IKafkaApiHandler implementations ("ProduceHandler").
    private static readonly HashSet<string> Served = ServedApis();

    /// <summary>Needs a handler for each of <paramref name="apis"/> (Kafka's API names: "Produce", "ListOffsets").</summary>
    public KafkaApisFactAttribute(params string[] apis)
    {
        var missing = apis.Where(api => !Served.Contains(api)).ToList();
        if (missing.Count > 0)
        {
            Skip = $"needs {string.Join(", ", missing)} (branch kafka-data): this build of OrleansLog.Kafka has no handler for it";
        }
    }

    private static HashSet<string> ServedApis()
    {
        var served = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in typeof(KafkaListenerOptions).Assembly.GetTypes())
        {
            if (type.IsAbstract || !type.GetInterfaces().Any(i => i.Name == "IKafkaApiHandler"))
            {
                continue;
            }

            if (type.BaseType is { IsGenericType: true } handler && handler.GetGenericTypeDefinition().Name.StartsWith("KafkaApiHandler", StringComparison.Ordinal))
            {
                served.Add(handler.GetGenericArguments()[0].Name.Replace("Request", "", StringComparison.Ordinal));
            }

            if (type.Name.EndsWith("Handler", StringComparison.Ordinal))
            {
                served.Add(type.Name[..^"Handler".Length]);
            }
        }

        return served;
    }
}
