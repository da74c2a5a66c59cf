namespace OrleansLog.Cli.Perf;

/// <summary>A client a perf command measures; <c>--client both</c> runs <see cref="Native"/> and <see cref="Kafka"/> in turns.</summary>
internal enum PerfClient
{
    /// <summary>The native OrleansLog client over the Orleans gateway.</summary>
    Native,

    /// <summary>Confluent.Kafka (librdkafka) through the silo's Kafka listener.</summary>
    Kafka,
}
