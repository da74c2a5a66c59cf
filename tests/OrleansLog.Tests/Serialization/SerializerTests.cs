using System.Text;
using System.Text.Json;
using OrleansLog.Client.Serialization;

namespace OrleansLog.Tests.Serialization;

public sealed class SerializerTests
{
    public sealed record Order(int Id, string Customer, decimal Total, string[] Items, DateTimeOffset PlacedAt);

    public enum Colour
    {
        Red,
        Green,
    }

    private static string RandomString(Random random, int length)
    {
        var builder = new StringBuilder();
        while (builder.Length < length)
        {
            // Mostly BMP characters (no lone surrogates), sometimes an astral one (a surrogate pair).
            if (random.Next(10) == 0)
            {
                builder.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF)));
            }
            else
            {
                var c = (char)random.Next(0, 0xD800);
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    [Fact]
    public void Utf8_writes_the_utf8_bytes_of_the_string()
    {
        Assert.Equal(new byte[] { 0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F }, Serializers.Utf8.Serialize("héllo"));
        Assert.Equal(new byte[] { 0xF0, 0x9F, 0x98, 0x80 }, Serializers.Utf8.Serialize("😀"));
        Assert.Equal(Array.Empty<byte>(), Serializers.Utf8.Serialize(""));
    }

    [Fact]
    public void Utf8_round_trips_random_strings()
    {
        var random = new Random(1);
        for (var i = 0; i < 500; i++)
        {
            var value = RandomString(random, random.Next(0, 100));

            var bytes = Serializers.Utf8.Serialize(value)!;

            Assert.Equal(Encoding.UTF8.GetByteCount(value), bytes.Length);
            Assert.Equal(value, Deserializers.Utf8.Deserialize(bytes, isNull: false));
        }
    }

    [Fact]
    public void Utf8_keeps_null_and_empty_apart()
    {
        Assert.Null(Serializers.Utf8.Serialize(null));
        Assert.Null(Deserializers.Utf8.Deserialize([], isNull: true));
        Assert.Equal("", Deserializers.Utf8.Deserialize([], isNull: false));
    }

    [Fact]
    public void ByteArray_serializes_the_array_as_it_is_and_deserializes_a_copy()
    {
        var random = new Random(2);
        for (var i = 0; i < 100; i++)
        {
            var value = new byte[random.Next(0, 300)];
            random.NextBytes(value);

            var bytes = Serializers.ByteArray.Serialize(value);
            var back = Deserializers.ByteArray.Deserialize(bytes, isNull: false);

            Assert.Same(value, bytes);
            Assert.Equal(value, back);
            if (value.Length > 0)
            {
                Assert.NotSame(value, back);
            }
        }
    }

    [Fact]
    public void ByteArray_deserializes_from_a_slice_without_keeping_the_buffer()
    {
        var buffer = new byte[] { 9, 1, 2, 3, 9 };

        var back = Deserializers.ByteArray.Deserialize(buffer.AsSpan(1, 3), isNull: false)!;
        buffer[2] = 0xFF;

        Assert.Equal(new byte[] { 1, 2, 3 }, back);
    }

    [Fact]
    public void ByteArray_keeps_null_and_empty_apart()
    {
        Assert.Null(Serializers.ByteArray.Serialize(null));
        Assert.Null(Deserializers.ByteArray.Deserialize([], isNull: true));
        Assert.Equal(Array.Empty<byte>(), Deserializers.ByteArray.Deserialize([], isNull: false));
    }

    [Fact]
    public void Json_round_trips_random_records()
    {
        var random = new Random(3);
        var serializer = Serializers.Json<Order>();
        var deserializer = Deserializers.Json<Order>();
        for (var i = 0; i < 200; i++)
        {
            var order = new Order(
                random.Next(),
                RandomString(random, random.Next(0, 20)),
                random.Next(0, 1_000_000) / 100m,
                Enumerable.Range(0, random.Next(0, 5)).Select(_ => RandomString(random, 5)).ToArray(),
                DateTimeOffset.FromUnixTimeMilliseconds(random.NextInt64(0, 4_102_444_800_000)));

            var bytes = serializer.Serialize(order)!;
            var back = deserializer.Deserialize(bytes, isNull: false)!;

            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(order), bytes);
            Assert.Equal(order.Id, back.Id);
            Assert.Equal(order.Customer, back.Customer);
            Assert.Equal(order.Total, back.Total);
            Assert.Equal(order.Items, back.Items);
            Assert.Equal(order.PlacedAt, back.PlacedAt);
        }
    }

    [Fact]
    public void Json_writes_null_for_a_null_reference_and_reads_default_for_a_null_record()
    {
        Assert.Null(Serializers.Json<Order>().Serialize(null));
        Assert.Null(Deserializers.Json<Order>().Deserialize("{}"u8, isNull: true));
        Assert.Equal(0, Deserializers.Json<int>().Deserialize("42"u8, isNull: true));
    }

    [Fact]
    public void Json_writes_value_types_even_when_they_are_the_default()
    {
        Assert.Equal("0"u8.ToArray(), Serializers.Json<int>().Serialize(0));
        Assert.Equal("-17"u8.ToArray(), Serializers.Json<long>().Serialize(-17));
        Assert.Equal(-17L, Deserializers.Json<long>().Deserialize("-17"u8, isNull: false));
    }

    [Fact]
    public void Json_honours_the_options_given()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var order = new Order(5, "ann", 1.5m, ["x"], DateTimeOffset.UnixEpoch);

        var bytes = Serializers.Json<Order>(options).Serialize(order)!;
        var json = Encoding.UTF8.GetString(bytes);

        Assert.StartsWith("{\"id\":5,\"customer\":\"ann\"", json);
        Assert.Equal(order.Customer, Deserializers.Json<Order>(options).Deserialize(bytes, isNull: false)!.Customer);
        // Without the options the camel-case names do not bind.
        Assert.Null(Deserializers.Json<Order>().Deserialize(bytes, isNull: false)!.Customer);
    }

    [Fact]
    public void Default_picks_utf8_for_strings_raw_for_byte_arrays_and_json_otherwise()
    {
        Assert.Same(Serializers.Utf8, Serializers.Default<string>());
        Assert.Same(Serializers.ByteArray, Serializers.Default<byte[]>());
        Assert.Same(Deserializers.Utf8, Deserializers.Default<string>());
        Assert.Same(Deserializers.ByteArray, Deserializers.Default<byte[]>());

        // A string goes out as its bare UTF-8 bytes, not as a JSON string literal.
        Assert.Equal("hi"u8.ToArray(), Serializers.Default<string>().Serialize("hi"));
        Assert.Equal(new byte[] { 1, 2 }, Serializers.Default<byte[]>().Serialize([1, 2]));

        // Everything else is JSON.
        Assert.Equal("42"u8.ToArray(), Serializers.Default<int>().Serialize(42));
        Assert.Equal("0"u8.ToArray(), Serializers.Default<Colour>().Serialize(Colour.Red));
        Assert.Equal("[1,2]"u8.ToArray(), Serializers.Default<List<int>>().Serialize([1, 2]));
        Assert.Equal(42, Deserializers.Default<int>().Deserialize("42"u8, isNull: false));
        Assert.Equal(Colour.Green, Deserializers.Default<Colour>().Deserialize("1"u8, isNull: false));
        Assert.Equal([1, 2], Deserializers.Default<List<int>>().Deserialize("[1,2]"u8, isNull: false)!);
        Assert.Equal("\"hi\""u8.ToArray(), Serializers.Default<object>().Serialize("hi"));
    }

    [Fact]
    public void Json_deserializing_malformed_bytes_throws_JsonException()
    {
        Assert.ThrowsAny<JsonException>(() => Deserializers.Json<Order>().Deserialize("{\"Id\":"u8, isNull: false));
    }
}
