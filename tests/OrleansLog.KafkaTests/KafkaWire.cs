using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.KafkaTests;

/// <summary>
/// A bare Kafka connection speaking through OrleansLog's codec, for requests no client library sends on purpose (a partition that
/// does not exist, an old version, a transactional id), versions Confluent.Kafka does not send (flexible CreateTopics v5+,
/// DeleteTopics by topic id), pipelined requests, and reading the exact error code the broker answers.
/// </summary>
public sealed class KafkaWire : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private int _correlationId;

    private KafkaWire(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Connects to the broker on <paramref name="port"/> of this machine.</summary>
    public static async Task<KafkaWire> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new KafkaWire(client);
    }

    /// <summary>
    /// Sends one request to 127.0.0.1:<paramref name="port"/> over a connection of its own: unlike a Kafka client, which sends
    /// to whichever broker it likes once it knows several, this says for sure which silo answered.
    /// </summary>
    public static async Task<TResponse> SendOnceAsync<TResponse>(int port, KafkaApiKey api, short version, IKafkaMessage request)
        where TResponse : IKafkaMessage, new()
    {
        using var wire = await ConnectAsync(port);
        return await wire.SendAsync<TResponse>(api, version, request);
    }

    /// <summary>Sends <paramref name="request"/> as <paramref name="api"/> v<paramref name="version"/> and reads the response.</summary>
    public async Task<TResponse> SendAsync<TResponse>(KafkaApiKey api, short version, IKafkaMessage request)
        where TResponse : IKafkaMessage, new()
    {
        var correlationId = await WriteAsync(api, version, request);
        var frame = await ReadFrameAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return Decode<TResponse>(frame, api, version, correlationId);
    }

    /// <summary>Sends <paramref name="request"/> at <paramref name="version"/> (its API named by the message type) and reads the response.</summary>
    public Task<TResponse> SendAsync<TResponse>(IKafkaMessage request, short version)
        where TResponse : IKafkaMessage, new() =>
        SendAsync<TResponse>((KafkaApiKey)(short)request.GetType().GetField("ApiKey")!.GetValue(null)!, version, request);

    /// <summary>
    /// Writes every request before reading any answer, as a client with several requests in flight does, then reads the answers
    /// and checks that they come in request order (by correlation id); null for a request that gets no answer (acks=0).
    /// </summary>
    public async Task<IKafkaMessage?[]> SendPipelinedAsync(params (KafkaApiKey Api, short Version, IKafkaMessage Request, Func<IKafkaMessage>? NewResponse)[] requests)
    {
        var correlationIds = new int[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            correlationIds[i] = await WriteAsync(requests[i].Api, requests[i].Version, requests[i].Request);
        }

        var responses = new IKafkaMessage?[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            if (requests[i].NewResponse is { } newResponse)
            {
                var frame = await ReadFrameAsync().WaitAsync(TimeSpan.FromSeconds(60));
                responses[i] = Decode(frame, requests[i].Api, requests[i].Version, correlationIds[i], newResponse());
            }
        }

        return responses;
    }

    /// <summary>Sends a request the broker does not answer (Produce with acks=0); returns once it is written.</summary>
    public async Task SendWithoutResponseAsync(KafkaApiKey api, short version, IKafkaMessage request) => await WriteAsync(api, version, request);

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }

    private async Task<int> WriteAsync(KafkaApiKey api, short version, IKafkaMessage request)
    {
        var correlationId = ++_correlationId;
        var body = Encode(api, version, request, correlationId);
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, body.Length);
        await _stream.WriteAsync(prefix);
        await _stream.WriteAsync(body);
        return correlationId;
    }

    private static byte[] Encode(KafkaApiKey api, short version, IKafkaMessage request, int correlationId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        var header = new RequestHeader { RequestApiKey = (short)api, RequestApiVersion = version, CorrelationId = correlationId, ClientId = "orleanslog-kafka-tests" };
        header.Write(ref writer, KafkaApis.RequestHeaderVersion((short)api, version));
        request.Write(ref writer, version);
        return buffer.WrittenSpan.ToArray();
    }

    private static TResponse Decode<TResponse>(byte[] frame, KafkaApiKey api, short version, int correlationId)
        where TResponse : IKafkaMessage, new() => Decode(frame, api, version, correlationId, new TResponse());

    private static TResponse Decode<TResponse>(byte[] frame, KafkaApiKey api, short version, int correlationId, TResponse response)
        where TResponse : IKafkaMessage
    {
        var reader = new KafkaReader(frame.AsMemory());
        var header = new ResponseHeader();
        header.Read(ref reader, KafkaApis.ResponseHeaderVersion((short)api, version));
        Assert.Equal(correlationId, header.CorrelationId);
        response.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return response;
    }

    private async Task<byte[]> ReadFrameAsync()
    {
        var prefix = new byte[4];
        await _stream.ReadExactlyAsync(prefix);
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        await _stream.ReadExactlyAsync(frame);
        return frame;
    }
}
