using System.Buffers;
using System.Text;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Tests.Kafka;

public sealed class KafkaTaggedFieldsAndVersionsTests
{
    [Fact]
    public void Unknown_tagged_fields_in_a_flexible_request_are_skipped()
    {
        byte[] body = Bytes(
            "04", Ascii("abc"),               // client_software_name
            "02", Ascii("1"),                 // client_software_version
            "02",                             // two tagged fields, neither known to ApiVersionsRequest
            "05 03 AA BB CC",                 // tag 5, 3 bytes
            "C8 01 00");                      // tag 200 (a two-byte varint), empty
        var reader = new KafkaReader(body);
        var request = new ApiVersionsRequest();
        request.Read(ref reader, 3);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal("abc", request.ClientSoftwareName);
        Assert.Equal("1", request.ClientSoftwareVersion);
    }

    [Fact]
    public void Known_tagged_fields_are_read_by_tag_and_unknown_ones_around_them_skipped()
    {
        byte[] body = Bytes(
            "00 00",                          // error code
            "02",                             // one api key
            "00 03 00 00 00 0C",              // Metadata 0-12
            "01 09 02 DE AD",                 // its tagged fields: one unknown (tag 9, 2 bytes)
            "00 00 00 00",                    // throttle time
            "03",                             // three tagged fields
            "01 08 00 00 00 00 00 00 00 63",  // tag 1: FinalizedFeaturesEpoch = 99
            "07 01 FF",                       // tag 7: unknown
            "03 01 01");                      // tag 3: ZkMigrationReady = true
        var reader = new KafkaReader(body);
        var response = new ApiVersionsResponse();
        response.Read(ref reader, 3);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal(99, response.FinalizedFeaturesEpoch);
        Assert.True(response.ZkMigrationReady);
        Assert.Empty(response.SupportedFeatures);
        ApiVersionsResponse.ApiVersion api = Assert.Single(response.ApiKeys);
        Assert.Equal(12, api.MaxVersion);
    }

    [Fact]
    public void Unknown_tagged_fields_in_request_header_v2_are_skipped()
    {
        byte[] header = Bytes("00 03 00 0C 00 00 00 01 FF FF", "01 00 02 01 02");
        var reader = new KafkaReader(header);
        var read = new RequestHeader();
        read.Read(ref reader, 2);
        Assert.Equal(0, reader.Remaining);
        Assert.Null(read.ClientId);
        Assert.Equal(12, read.RequestApiVersion);
    }

    [Fact]
    public void A_tagged_field_whose_size_runs_past_the_end_is_malformed()
    {
        byte[] body = Bytes("01", "01", "01", "05 09 01");
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(body);
            new ApiVersionsRequest().Read(ref reader, 3);
        });
    }

    [Fact]
    public void Tagged_fields_are_written_only_when_they_differ_from_their_default()
    {
        var response = new ApiVersionsResponse();
        Assert.Equal(Bytes("00 00", "01", "00 00 00 00", "00"), Write(response, 3));

        response.ZkMigrationReady = true;
        response.FinalizedFeaturesEpoch = 7;
        Assert.Equal(
            Bytes("00 00", "01", "00 00 00 00", "02", "01 08 00 00 00 00 00 00 00 07", "03 01 01"),
            Write(response, 3));
    }

    [Fact]
    public void A_tagged_struct_is_written_when_any_of_its_fields_differs_from_its_default()
    {
        var response = new FetchResponse
        {
            Responses = [new() { Topic = "t", Partitions = [new() { PartitionIndex = 1 }] }],
        };
        FetchResponse.PartitionData partition = response.Responses[0].Partitions[0];
        int withoutLeader = Write(response, 12).Length;

        partition.CurrentLeader.LeaderId = 3;
        byte[] withLeader = Write(response, 12);
        // Tag 1, size 9 (leader id 3, leader epoch -1, the struct's own empty tagged fields): 1 + 1 + 9 bytes.
        Assert.Equal(withoutLeader + 11, withLeader.Length);

        var reader = new KafkaReader(withLeader);
        var read = new FetchResponse();
        read.Read(ref reader, 12);
        FetchResponse.PartitionData readPartition = read.Responses[0].Partitions[0];
        Assert.Equal(3, readPartition.CurrentLeader.LeaderId);
        Assert.Equal(-1, readPartition.CurrentLeader.LeaderEpoch);
        Assert.Equal(-1, readPartition.DivergingEpoch.Epoch);
    }

    [Fact]
    public void A_non_default_value_of_a_non_ignorable_field_missing_from_the_version_cannot_be_written()
    {
        var request = new MetadataRequest { Topics = [], AllowAutoTopicCreation = false };
        var error = Assert.Throws<KafkaProtocolException>(() => Write(request, 3));
        Assert.Equal(KafkaErrorCode.UnsupportedVersion, error.ErrorCode);
        Assert.Contains("AllowAutoTopicCreation", error.Message);

        // From version 4 the field exists; at version 3 its default (true) is what the broker assumes.
        Assert.Equal(Bytes("00 00 00 00", "00"), Write(request, 4));
        Assert.Equal(Bytes("00 00 00 00"), Write(new MetadataRequest { Topics = [] }, 3));
    }

    [Fact]
    public void A_non_default_value_of_an_ignorable_field_missing_from_the_version_is_dropped()
    {
        var response = new ApiVersionsResponse { ThrottleTimeMs = 250 };
        Assert.Equal(Write(new ApiVersionsResponse(), 0), Write(response, 0));
        Assert.Equal(Bytes("00 00", "00 00 00 00", "00 00 00 FA"), Write(response, 1));
    }

    [Fact]
    public void Null_where_the_version_does_not_allow_it_cannot_be_written()
    {
        Assert.Throws<KafkaProtocolException>(() => Write(new MetadataRequest { Topics = null }, 0));
        Assert.Equal(Bytes("FF FF FF FF"), Write(new MetadataRequest { Topics = null }, 1));
        Assert.Equal(0x00, Write(new MetadataRequest { Topics = null }, 9)[0]);
    }

    [Fact]
    public void A_null_array_where_the_version_does_not_allow_it_is_malformed()
    {
        var error = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(Bytes("FF FF FF FF"));
            new MetadataRequest().Read(ref reader, 0);
        });
        Assert.Equal(KafkaErrorCode.InvalidRequest, error.ErrorCode);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(13)]
    public void A_version_outside_the_definition_is_refused_both_ways(short version)
    {
        var readError = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(new byte[16]);
            new MetadataRequest().Read(ref reader, version);
        });
        Assert.Equal(KafkaErrorCode.UnsupportedVersion, readError.ErrorCode);
        Assert.Throws<KafkaProtocolException>(() => Write(new MetadataRequest(), version));
    }

    [Fact]
    public void Nullable_struct_is_marked_by_one_byte()
    {
        var response = new ConsumerGroupHeartbeatResponse { Assignment = null };
        byte[] withoutAssignment = Write(response, 0);
        response.Assignment = new() { TopicPartitions = [] };
        byte[] withAssignment = Write(response, 0);

        // -1 for null; 1, then the struct (an empty compact array and no tagged fields) when present.
        Assert.Equal(0xFF, withoutAssignment[^2]);
        Assert.Equal(Bytes("01", "01", "00", "00"), withAssignment[^4..]);
        Assert.Equal(withoutAssignment.Length + 2, withAssignment.Length);
    }

    [Fact]
    public void Defaults_come_from_the_definitions()
    {
        var fetch = new FetchRequest();
        Assert.Equal(-1, fetch.ReplicaId);
        Assert.Equal(0x7fffffff, fetch.MaxBytes);
        Assert.Equal(-1, fetch.ReplicaState.ReplicaEpoch);
        Assert.Null(fetch.ClusterId);
        Assert.Empty(fetch.Topics);
        Assert.True(new MetadataRequest().AllowAutoTopicCreation);
        Assert.Equal(int.MinValue, new MetadataResponse.MetadataResponseTopic().TopicAuthorizedOperations);
        Assert.Equal(string.Empty, new RequestHeader().ClientId);
        Assert.Null(new ProduceRequest().TransactionalId);
    }

    private static byte[] Write(IKafkaMessage message, short version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        message.Write(ref writer, version);
        return buffer.WrittenSpan.ToArray();
    }

    private static string Ascii(string text) => Convert.ToHexString(Encoding.ASCII.GetBytes(text));

    private static byte[] Bytes(params string[] parts) => Convert.FromHexString(string.Concat(parts).Replace(" ", string.Empty));
}
