using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.KafkaTests;

/// <summary>
/// One Kafka request to one broker over a connection of its own, with OrleansLog's codec: unlike a Kafka client, which sends to
/// whichever broker it likes once it knows several, this says for sure which silo answered.
/// </summary>
public static class KafkaWire
{
    /// <summary>Sends <paramref name="request"/> as <paramref name="api"/> v<paramref name="version"/> to 127.0.0.1:<paramref name="port"/> and reads the response.</summary>
    public static async Task<TResponse> SendAsync<TResponse>(int port, KafkaApiKey api, short version, IKafkaMessage request)
        where TResponse : IKafkaMessage, new()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Frame(api, version, request));

        var prefix = new byte[4];
        await stream.ReadExactlyAsync(prefix);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        await stream.ReadExactlyAsync(body);
        return Parse<TResponse>(body, api, version);
    }

    private static byte[] Frame(KafkaApiKey api, short version, IKafkaMessage request)
    {
        var body = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(body);
        new RequestHeader { RequestApiKey = (short)api, RequestApiVersion = version, CorrelationId = 1, ClientId = "orleanslog-tests" }
            .Write(ref writer, KafkaApis.RequestHeaderVersion((short)api, version));
        request.Write(ref writer, version);
        var frame = new byte[4 + body.WrittenCount];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.WrittenCount);
        body.WrittenSpan.CopyTo(frame.AsSpan(4));
        return frame;
    }

    private static TResponse Parse<TResponse>(byte[] body, KafkaApiKey api, short version)
        where TResponse : IKafkaMessage, new()
    {
        var reader = new KafkaReader(body);
        var header = new ResponseHeader();
        header.Read(ref reader, KafkaApis.ResponseHeaderVersion((short)api, version));
        var response = new TResponse();
        response.Read(ref reader, version);
        return header.CorrelationId == 1 ? response : throw new InvalidOperationException($"The response carries correlation id {header.CorrelationId}, not 1.");
    }
}
