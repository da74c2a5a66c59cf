using System.Buffers;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Tests.Kafka;

public sealed class KafkaPrimitivesTests
{
    private delegate void WriteAction(ref KafkaWriter writer);

    private static byte[] Write(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        write(ref writer);
        Assert.Equal(buffer.WrittenCount, writer.BytesWritten);
        return buffer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(0u, new byte[] { 0x00 })]
    [InlineData(1u, new byte[] { 0x01 })]
    [InlineData(127u, new byte[] { 0x7F })]
    [InlineData(128u, new byte[] { 0x80, 0x01 })]
    [InlineData(300u, new byte[] { 0xAC, 0x02 })]
    [InlineData(16383u, new byte[] { 0xFF, 0x7F })]
    [InlineData(16384u, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData((uint)int.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x07 })]
    [InlineData(uint.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void Unsigned_varint_encodes_seven_bits_a_byte_low_group_first(uint value, byte[] expected)
    {
        Assert.Equal(expected, Write((ref KafkaWriter w) => w.WriteUnsignedVarInt(value)));
        var reader = new KafkaReader(expected);
        Assert.Equal(value, reader.ReadUnsignedVarInt());
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(1, new byte[] { 0x02 })]
    [InlineData(-64, new byte[] { 0x7F })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(int.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(int.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void Varint_is_zigzag_encoded(int value, byte[] expected)
    {
        Assert.Equal(expected, Write((ref KafkaWriter w) => w.WriteVarInt(value)));
        var reader = new KafkaReader(expected);
        Assert.Equal(value, reader.ReadVarInt());
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData(0L, new byte[] { 0x00 })]
    [InlineData(-1L, new byte[] { 0x01 })]
    [InlineData(1L, new byte[] { 0x02 })]
    [InlineData((long)int.MaxValue + 1, new byte[] { 0x80, 0x80, 0x80, 0x80, 0x10 })]
    [InlineData(long.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(long.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Varlong_is_zigzag_encoded_in_up_to_ten_bytes(long value, byte[] expected)
    {
        Assert.Equal(expected, Write((ref KafkaWriter w) => w.WriteVarLong(value)));
        var reader = new KafkaReader(expected);
        Assert.Equal(value, reader.ReadVarLong());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Random_varints_and_varlongs_round_trip()
    {
        var random = new Random(12);
        for (int i = 0; i < 2000; i++)
        {
            int value = random.Next(int.MinValue, int.MaxValue) >> random.Next(0, 31);
            long longValue = random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(0, 63);
            uint unsignedValue = (uint)random.NextInt64(0, uint.MaxValue + 1L) >> random.Next(0, 31);
            byte[] bytes = Write((ref KafkaWriter w) =>
            {
                w.WriteVarInt(value);
                w.WriteVarLong(longValue);
                w.WriteUnsignedVarInt(unsignedValue);
            });
            var reader = new KafkaReader(bytes);
            Assert.Equal(value, reader.ReadVarInt());
            Assert.Equal(longValue, reader.ReadVarLong());
            Assert.Equal(unsignedValue, reader.ReadUnsignedVarInt());
            Assert.Equal(0, reader.Remaining);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x10 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Unsigned_varint_longer_than_32_bits_is_malformed(byte[] bytes)
    {
        var error = Assert.Throws<KafkaProtocolException>(() => new KafkaReader(bytes).ReadUnsignedVarInt());
        Assert.Equal(KafkaErrorCode.InvalidRequest, error.ErrorCode);
    }

    [Fact]
    public void Varlong_longer_than_64_bits_is_malformed()
    {
        byte[] bytes = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02];
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(bytes).ReadVarLong());
    }

    [Fact]
    public void Fixed_size_integers_are_big_endian()
    {
        byte[] bytes = Write((ref KafkaWriter w) =>
        {
            w.WriteInt8(-2);
            w.WriteInt16(0x0102);
            w.WriteUInt16(0xFFFE);
            w.WriteInt32(0x01020304);
            w.WriteUInt32(0xFFFFFFFE);
            w.WriteInt64(0x0102030405060708);
            w.WriteBool(true);
            w.WriteFloat64(1.5);
        });
        Assert.Equal(
            new byte[] { 0xFE, 0x01, 0x02, 0xFF, 0xFE, 0x01, 0x02, 0x03, 0x04, 0xFF, 0xFF, 0xFF, 0xFE, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x01, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0 },
            bytes);
        var reader = new KafkaReader(bytes);
        Assert.Equal(-2, reader.ReadInt8());
        Assert.Equal(0x0102, reader.ReadInt16());
        Assert.Equal(0xFFFE, reader.ReadUInt16());
        Assert.Equal(0x01020304, reader.ReadInt32());
        Assert.Equal(0xFFFFFFFE, reader.ReadUInt32());
        Assert.Equal(0x0102030405060708, reader.ReadInt64());
        Assert.True(reader.ReadBool());
        Assert.Equal(1.5, reader.ReadFloat64());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Uuid_is_written_most_significant_byte_first()
    {
        var uuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        byte[] bytes = Write((ref KafkaWriter w) => w.WriteUuid(uuid));
        Assert.Equal(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"), bytes);
        Assert.Equal(uuid, new KafkaReader(bytes).ReadUuid());
    }

    [Theory]
    [InlineData("abc", false, new byte[] { 0x00, 0x03, 0x61, 0x62, 0x63 })]
    [InlineData("abc", true, new byte[] { 0x04, 0x61, 0x62, 0x63 })]
    [InlineData("", false, new byte[] { 0x00, 0x00 })]
    [InlineData("", true, new byte[] { 0x01 })]
    [InlineData(null, false, new byte[] { 0xFF, 0xFF })]
    [InlineData(null, true, new byte[] { 0x00 })]
    [InlineData("é", true, new byte[] { 0x03, 0xC3, 0xA9 })]
    public void Strings_carry_an_int16_length_or_a_compact_length_plus_one(string? value, bool compact, byte[] expected)
    {
        Assert.Equal(expected, Write((ref KafkaWriter w) => w.WriteNullableString(value, compact)));
        var reader = new KafkaReader(expected);
        Assert.Equal(value, reader.ReadNullableString(compact));
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData(false, new byte[] { 0xFF, 0xFF })]
    [InlineData(true, new byte[] { 0x00 })]
    public void A_null_where_a_string_may_not_be_null_is_malformed(bool compact, byte[] bytes)
    {
        var error = Assert.Throws<KafkaProtocolException>(() => new KafkaReader(bytes).ReadString(compact));
        Assert.Equal(KafkaErrorCode.InvalidRequest, error.ErrorCode);
    }

    [Fact]
    public void Non_compact_string_longer_than_int16_cannot_be_written()
    {
        string value = new('x', short.MaxValue + 1);
        Assert.Throws<KafkaProtocolException>(() => Write((ref KafkaWriter w) => w.WriteString(value, compact: false)));
        Assert.Equal(short.MaxValue + 1 + 3, Write((ref KafkaWriter w) => w.WriteString(value, compact: true)).Length);
    }

    [Theory]
    [InlineData(false, new byte[] { 0x00, 0x00, 0x00, 0x02, 0xAA, 0xBB })]
    [InlineData(true, new byte[] { 0x03, 0xAA, 0xBB })]
    public void Bytes_carry_an_int32_length_or_a_compact_length_plus_one(bool compact, byte[] expected)
    {
        Assert.Equal(expected, Write((ref KafkaWriter w) => w.WriteNullableBytes([0xAA, 0xBB], compact)));
        Assert.Equal(new byte[] { 0xAA, 0xBB }, new KafkaReader(expected).ReadBytes(compact));
        Assert.Null(new KafkaReader(Write((ref KafkaWriter w) => w.WriteNullableBytes(null, compact))).ReadNullableBytes(compact));
    }

    [Fact]
    public void Records_read_from_memory_are_a_slice_of_it_not_a_copy()
    {
        byte[] frame = [0x00, 0x00, 0x00, 0x03, 0x01, 0x02, 0x03];
        var reader = new KafkaReader(frame.AsMemory());
        ReadOnlyMemory<byte>? records = reader.ReadRecords(compact: false);
        Assert.NotNull(records);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(records.Value, out ArraySegment<byte> segment));
        Assert.Same(frame, segment.Array);
        Assert.Equal(4, segment.Offset);
        Assert.Equal(3, segment.Count);
    }

    [Fact]
    public void Null_records_and_arrays_have_length_minus_one_or_compact_zero()
    {
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, Write((ref KafkaWriter w) => w.WriteRecords(null, compact: false)));
        Assert.Equal(new byte[] { 0x00 }, Write((ref KafkaWriter w) => w.WriteRecords(null, compact: true)));
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, Write((ref KafkaWriter w) => w.WriteNullArray(compact: false)));
        Assert.Equal(new byte[] { 0x00 }, Write((ref KafkaWriter w) => w.WriteNullArray(compact: true)));
        Assert.Null(new KafkaReader(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }).ReadRecords(compact: false));
        Assert.Equal(-1, new KafkaReader(new byte[] { 0x00 }).ReadArrayLength(compact: true));
        Assert.Equal(2, new KafkaReader(new byte[] { 0x03, 0, 0 }).ReadArrayLength(compact: true));
    }

    [Fact]
    public void Large_raw_bytes_are_copied_whole_through_a_small_segment_writer()
    {
        byte[] records = new byte[100_000];
        new Random(3).NextBytes(records);
        var output = new SmallSegmentWriter(4096);
        var writer = new KafkaWriter(output);
        writer.WriteRecords(records, compact: true);
        byte[] written = output.ToArray();
        var reader = new KafkaReader(written);
        Assert.Equal(records, reader.ReadRecords(compact: true)!.Value.ToArray());
        Assert.Equal(0, reader.Remaining);
    }

    public static TheoryData<byte[], string> TruncatedInputs => new()
    {
        { new byte[] { 0x00, 0x01, 0x02 }, "int32" },
        { new byte[] { 0x00, 0x05, 0x61, 0x62 }, "string" },
        { new byte[] { 0x06, 0x61 }, "compact string" },
        { new byte[] { 0x00, 0x00, 0x00, 0x09, 0x01 }, "bytes" },
        { new byte[] { 0x7F, 0xFF, 0xFF, 0xFF, 0x01 }, "array" },
        { new byte[] { 0x80 }, "varint" },
        { new byte[] { 0x00, 0x11, 0x22 }, "uuid" },
        { new byte[] { 0x01, 0x00, 0x05, 0x01 }, "tagged fields" },
        { Array.Empty<byte>(), "int8" },
    };

    [Theory]
    [MemberData(nameof(TruncatedInputs))]
    public void Truncated_input_throws_KafkaProtocolException_never_an_index_error(byte[] bytes, string what)
    {
        var error = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(bytes);
            switch (what)
            {
                case "int32": reader.ReadInt32(); break;
                case "string": reader.ReadString(compact: false); break;
                case "compact string": reader.ReadString(compact: true); break;
                case "bytes": reader.ReadBytes(compact: false); break;
                case "array": reader.ReadArrayLength(compact: false); break;
                case "varint": reader.ReadVarInt(); break;
                case "uuid": reader.ReadUuid(); break;
                case "tagged fields": reader.SkipTaggedFields(); break;
                default: reader.ReadInt8(); break;
            }
        });
        Assert.Equal(KafkaErrorCode.InvalidRequest, error.ErrorCode);
    }

    [Fact]
    public void Every_prefix_of_a_real_request_fails_with_KafkaProtocolException_only()
    {
        var request = new MetadataRequest { Topics = [new() { Name = "orders", TopicId = Guid.NewGuid() }], AllowAutoTopicCreation = false, IncludeTopicAuthorizedOperations = true };
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        request.Write(ref writer, 12);
        byte[] bytes = buffer.WrittenSpan.ToArray();
        for (int length = 0; length < bytes.Length; length++)
        {
            byte[] prefix = bytes[..length];
            Assert.Throws<KafkaProtocolException>(() =>
            {
                var reader = new KafkaReader(prefix);
                new MetadataRequest().Read(ref reader, 12);
            });
        }
    }

    [Fact]
    public void Random_garbage_fails_with_KafkaProtocolException_or_reads_something()
    {
        var random = new Random(99);
        int malformed = 0;
        int read = 0;
        foreach (KafkaApi api in KafkaApis.All)
        {
            for (int i = 0; i < 50; i++)
            {
                byte[] garbage = new byte[random.Next(0, 64)];
                random.NextBytes(garbage);
                short version = (short)random.Next(api.LowestSupportedVersion, api.HighestSupportedVersion + 1);
                try
                {
                    var reader = new KafkaReader(garbage);
                    api.CreateRequest().Read(ref reader, version);
                    read++;
                }
                catch (KafkaProtocolException)
                {
                    malformed++;
                }
            }
        }

        // Any other exception type would have failed the test; both outcomes occur for random bytes.
        Assert.Equal(KafkaApis.All.Count * 50, malformed + read);
        Assert.True(malformed > 0);
    }

    /// <summary>An IBufferWriter that never hands out more than a fixed number of bytes at once.</summary>
    private sealed class SmallSegmentWriter(int segmentSize) : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = [];

        public void Advance(int count) => _written.AddRange(_current.AsSpan(0, count).ToArray());

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            _current = new byte[Math.Max(sizeHint, segmentSize)];
            return _current;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public byte[] ToArray() => [.. _written];
    }
}
