using System.Buffers;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Listener;

/// <summary>An answer ready to be written to its connection: the response message and what its header and layout need.</summary>
/// <param name="Message">The response body.</param>
/// <param name="CorrelationId">The request's correlation id, which the client matches the answer by.</param>
/// <param name="HeaderVersion">The response header version of the API and version.</param>
/// <param name="Version">The API version the request was sent at, which the body is written in.</param>
internal sealed record KafkaResponse(IKafkaMessage Message, int CorrelationId, short HeaderVersion, short Version)
{
    /// <summary>Writes the response header and body (not the size prefix).</summary>
    public void Write(IBufferWriter<byte> output)
    {
        var writer = new KafkaWriter(output);
        new ResponseHeader { CorrelationId = CorrelationId }.Write(ref writer, HeaderVersion);
        Message.Write(ref writer, Version);
    }
}
