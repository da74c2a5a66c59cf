using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Tests.Kafka;

/// <summary>Requests and responses written out byte by byte from Kafka's protocol description.</summary>
public sealed class KafkaGoldenBytesTests
{
    [Fact]
    public void ApiVersions_v3_request_has_header_v2_with_a_non_compact_client_id_and_a_compact_body()
    {
        byte[] frame = Bytes(
            "00 12",                          // api key 18
            "00 03",                          // api version 3
            "00 00 00 2A",                    // correlation id 42
            "00 07", Ascii("rdkafka"),        // client id: int16 length even in header v2
            "00",                             // header tagged fields: none
            "0B", Ascii("librdkafka"),        // client_software_name: compact, length 10 + 1
            "06", Ascii("2.0.2"),             // client_software_version: compact, length 5 + 1
            "00");                            // body tagged fields: none

        Assert.True(RequestHeader.TryPeekApiKeyAndVersion(frame, out short apiKey, out short apiVersion));
        Assert.Equal((short)KafkaApiKey.ApiVersions, apiKey);
        Assert.Equal(2, KafkaApis.RequestHeaderVersion(apiKey, apiVersion));

        var reader = new KafkaReader(frame);
        var header = new RequestHeader();
        header.Read(ref reader, 2);
        var request = new ApiVersionsRequest();
        request.Read(ref reader, apiVersion);

        Assert.Equal(0, reader.Remaining);
        Assert.Equal(42, header.CorrelationId);
        Assert.Equal("rdkafka", header.ClientId);
        Assert.Equal("librdkafka", request.ClientSoftwareName);
        Assert.Equal("2.0.2", request.ClientSoftwareVersion);

        Assert.Equal(frame, Write(header, 2, request, apiVersion));
    }

    [Fact]
    public void ApiVersions_v0_response_has_header_v0_and_int32_array_lengths()
    {
        var header = new ResponseHeader { CorrelationId = 42 };
        var response = new ApiVersionsResponse
        {
            ApiKeys =
            [
                new() { ApiKey = (short)KafkaApiKey.Produce, MinVersion = 0, MaxVersion = 11 },
                new() { ApiKey = (short)KafkaApiKey.ApiVersions, MinVersion = 0, MaxVersion = 4 },
            ],
        };
        short headerVersion = KafkaApis.ResponseHeaderVersion((short)KafkaApiKey.ApiVersions, 0);

        byte[] expected = Bytes(
            "00 00 00 2A",                    // correlation id
            "00 00",                          // error code NONE
            "00 00 00 02",                    // two api keys
            "00 00 00 00 00 0B",              // Produce 0-11
            "00 12 00 00 00 04");             // ApiVersions 0-4
        Assert.Equal(0, headerVersion);
        Assert.Equal(expected, Write(header, headerVersion, response, 0));

        var reader = new KafkaReader(expected);
        var readHeader = new ResponseHeader();
        readHeader.Read(ref reader, headerVersion);
        var read = new ApiVersionsResponse();
        read.Read(ref reader, 0);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal(42, readHeader.CorrelationId);
        Assert.Equal([(short)0, (short)18], read.ApiKeys.Select(k => k.ApiKey));
        Assert.Equal([(short)11, (short)4], read.ApiKeys.Select(k => k.MaxVersion));
    }

    [Fact]
    public void ApiVersions_v3_response_still_uses_response_header_v0()
    {
        var response = new ApiVersionsResponse
        {
            ApiKeys = [new() { ApiKey = 0, MinVersion = 0, MaxVersion = 11 }],
            ThrottleTimeMs = 0,
        };
        short headerVersion = KafkaApis.ResponseHeaderVersion((short)KafkaApiKey.ApiVersions, 3);

        byte[] expected = Bytes(
            "00 00 00 2A",                    // correlation id, and no header tagged fields
            "00 00",                          // error code
            "02",                             // compact array: one api key
            "00 00 00 00 00 0B 00",           // Produce 0-11, no tagged fields
            "00 00 00 00",                    // throttle time
            "00");                            // no tagged fields
        Assert.Equal(0, headerVersion);
        Assert.Equal(expected, Write(new ResponseHeader { CorrelationId = 42 }, headerVersion, response, 3));
    }

    [Fact]
    public void Metadata_v1_request_lists_topics_or_sends_null_for_all()
    {
        byte[] frame = Bytes(
            "00 03 00 01 00 00 00 07 00 01", Ascii("c"), // header v1: Metadata v1, correlation 7, client "c"
            "00 00 00 02",                    // two topics
            "00 01", Ascii("a"),
            "00 02", Ascii("bc"));

        Assert.Equal(1, KafkaApis.RequestHeaderVersion((short)KafkaApiKey.Metadata, 1));
        var reader = new KafkaReader(frame);
        var header = new RequestHeader();
        header.Read(ref reader, 1);
        var request = new MetadataRequest();
        request.Read(ref reader, 1);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal(["a", "bc"], request.Topics!.Select(t => t.Name));
        Assert.Equal(frame, Write(header, 1, request, 1));

        byte[] allTopics = Bytes("00 03 00 01 00 00 00 07 00 01", Ascii("c"), "FF FF FF FF");
        Assert.Equal(allTopics, Write(header, 1, new MetadataRequest { Topics = null }, 1));
        var allReader = new KafkaReader(allTopics);
        new RequestHeader().Read(ref allReader, 1);
        var all = new MetadataRequest();
        all.Read(ref allReader, 1);
        Assert.Null(all.Topics);
    }

    [Fact]
    public void Produce_v3_request_carries_the_record_batches_through_unchanged()
    {
        byte[] records = Bytes("00 00 00 00 00 00 00 00 00 00 00 3A 00 00 00 00 02 C8 5D 21 7F 00 00");
        byte[] frame = Bytes(
            "00 00 00 03 00 00 00 09 00 01", Ascii("c"), // header v1: Produce v3, correlation 9, client "c"
            "FF FF",                          // transactional id: null
            "FF FF",                          // acks -1 (all)
            "00 00 75 30",                    // timeout 30000 ms
            "00 00 00 01",                    // one topic
            "00 06", Ascii("orders"),
            "00 00 00 01",                    // one partition
            "00 00 00 02",                    // partition 2
            "00 00 00 17",                    // records: 23 bytes
            Hex(records));

        var reader = new KafkaReader(frame.AsMemory());
        var header = new RequestHeader();
        header.Read(ref reader, KafkaApis.RequestHeaderVersion(0, 3));
        var request = new ProduceRequest();
        request.Read(ref reader, 3);
        Assert.Equal(0, reader.Remaining);
        Assert.Null(request.TransactionalId);
        Assert.Equal(-1, request.Acks);
        Assert.Equal(30000, request.TimeoutMs);
        ProduceRequest.TopicProduceData topic = Assert.Single(request.TopicData);
        Assert.Equal("orders", topic.Name);
        ProduceRequest.PartitionProduceData partition = Assert.Single(topic.PartitionData);
        Assert.Equal(2, partition.Index);

        // The batches are the frame's own bytes: not decoded, not copied.
        ReadOnlyMemory<byte> batches = partition.Records!.Value;
        Assert.Equal(records, batches.ToArray());
        Assert.True(MemoryMarshal.TryGetArray(batches, out ArraySegment<byte> segment));
        Assert.Same(frame, segment.Array);
        Assert.Equal(frame.Length - records.Length, segment.Offset);

        Assert.Equal(frame, Write(header, 1, request, 3));
    }

    [Fact]
    public void Fetch_v12_response_writes_records_with_a_compact_length()
    {
        byte[] records = Bytes("01 02 03");
        var response = new FetchResponse
        {
            Responses =
            [
                new()
                {
                    Topic = "t",
                    Partitions = [new() { PartitionIndex = 0, HighWatermark = 5, Records = records }],
                },
            ],
        };

        byte[] expected = Bytes(
            "00 00 00 00",                    // throttle time
            "00 00",                          // error code
            "00 00 00 00",                    // session id
            "02",                             // one topic
            "02", Ascii("t"),                 // compact topic name
            "02",                             // one partition
            "00 00 00 00",                    // partition index
            "00 00",                          // error code
            "00 00 00 00 00 00 00 05",        // high watermark
            "FF FF FF FF FF FF FF FF",        // last stable offset -1
            "FF FF FF FF FF FF FF FF",        // log start offset -1
            "01",                             // aborted transactions: empty (compact 0 + 1; the default is empty, not null)
            "FF FF FF FF",                    // preferred read replica -1
            "04", Hex(records),               // records: compact length 3 + 1
            "00",                             // partition tagged fields
            "00",                             // topic tagged fields
            "00");                            // response tagged fields
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        response.Write(ref writer, 12);
        Assert.Equal(expected, buffer.WrittenSpan.ToArray());
    }

    private static byte[] Write(IKafkaMessage header, short headerVersion, IKafkaMessage body, short version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        header.Write(ref writer, headerVersion);
        body.Write(ref writer, version);
        return buffer.WrittenSpan.ToArray();
    }

    private static string Ascii(string text) => Convert.ToHexString(Encoding.ASCII.GetBytes(text));

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    private static byte[] Bytes(params string[] parts) => Convert.FromHexString(string.Concat(parts).Replace(" ", string.Empty));
}
