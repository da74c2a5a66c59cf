namespace OrleansLog.Kafka.Protocol;

/// <summary>A Kafka request, response or header that reads and writes itself in a given version.</summary>
public interface IKafkaMessage
{
    /// <summary>Reads every field of the given version from the reader, replacing the current values.</summary>
    void Read(ref KafkaReader reader, short version);

    /// <summary>Writes every field of the given version to the writer.</summary>
    void Write(ref KafkaWriter writer, short version);
}
