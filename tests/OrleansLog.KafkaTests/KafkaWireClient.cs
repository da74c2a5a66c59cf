using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.KafkaTests;

/// <summary>
/// A bare Kafka connection that sends one request at a chosen version with the listener's own codec and reads its response: for the
/// versions Confluent.Kafka does not send (flexible CreateTopics v5+, DeleteTopics by topic id, DescribeConfigs v3+).
/// </summary>
internal sealed class KafkaWireClient : IDisposable
{
    private readonly TcpClient _tcp = new();
    private int _correlationId;

    private KafkaWireClient()
    {
    }

    /// <summary>Connects to the listener on <paramref name="port"/>.</summary>
    public static async Task<KafkaWireClient> ConnectAsync(int port)
    {
        var client = new KafkaWireClient();
        await client._tcp.ConnectAsync("127.0.0.1", port);
        return client;
    }

    /// <summary>Sends <paramref name="request"/> at <paramref name="version"/> and returns the response.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IKafkaMessage request, short version)
        where TResponse : IKafkaMessage, new()
    {
        var apiKey = (short)request.GetType().GetField("ApiKey")!.GetValue(null)!;
        Assert.True(KafkaApis.TryGet(apiKey, out var api));
        var correlationId = ++_correlationId;
        var stream = _tcp.GetStream();
        await stream.WriteAsync(Frame(request, api, version, correlationId));

        var prefix = new byte[4];
        await stream.ReadExactlyAsync(prefix).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        await stream.ReadExactlyAsync(frame).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        return Parse<TResponse>(frame, api, version, correlationId);
    }

    /// <inheritdoc />
    public void Dispose() => _tcp.Dispose();

    private static byte[] Frame(IKafkaMessage request, KafkaApi api, short version, int correlationId)
    {
        var body = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(body);
        new RequestHeader { RequestApiKey = (short)api.ApiKey, RequestApiVersion = version, CorrelationId = correlationId, ClientId = "wire-test" }
            .Write(ref writer, api.RequestHeaderVersion(version));
        request.Write(ref writer, version);
        var frame = new byte[4 + body.WrittenCount];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.WrittenCount);
        body.WrittenSpan.CopyTo(frame.AsSpan(4));
        return frame;
    }

    private static TResponse Parse<TResponse>(byte[] frame, KafkaApi api, short version, int correlationId)
        where TResponse : IKafkaMessage, new()
    {
        var reader = new KafkaReader(frame.AsSpan());
        var header = new ResponseHeader();
        header.Read(ref reader, api.ResponseHeaderVersion(version));
        Assert.Equal(correlationId, header.CorrelationId);
        var response = new TResponse();
        response.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return response;
    }
}
