using OrleansLog.Records;

namespace OrleansLog.Tests.Records;

public sealed class VarIntTests
{
    // Kafka's ByteUtilsTest encodings: zig-zag, then 7 bits a byte, low group first.
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(1, new byte[] { 0x02 })]
    [InlineData(63, new byte[] { 0x7E })]
    [InlineData(-64, new byte[] { 0x7F })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(-65, new byte[] { 0x81, 0x01 })]
    [InlineData(8191, new byte[] { 0xFE, 0x7F })]
    [InlineData(-8192, new byte[] { 0xFF, 0x7F })]
    [InlineData(8192, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(int.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(int.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void Varint_encodes_like_Kafka(int value, byte[] expected)
    {
        byte[] buffer = new byte[5];
        int written = VarInt.Write(buffer, value);
        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(expected.Length, VarInt.SizeOf(value));

        int pos = 0;
        Assert.True(VarInt.TryRead(expected, ref pos, out int decoded));
        Assert.Equal(value, decoded);
        Assert.Equal(expected.Length, pos);
    }

    [Theory]
    [InlineData(0L, new byte[] { 0x00 })]
    [InlineData(-1L, new byte[] { 0x01 })]
    [InlineData(long.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(long.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(2147483648L, new byte[] { 0x80, 0x80, 0x80, 0x80, 0x10 })]
    public void Varlong_encodes_like_Kafka(long value, byte[] expected)
    {
        byte[] buffer = new byte[10];
        int written = VarInt.Write(buffer, value);
        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(expected.Length, VarInt.SizeOf(value));

        int pos = 0;
        Assert.True(VarInt.TryRead(expected, ref pos, out long decoded));
        Assert.Equal(value, decoded);
    }

    [Fact]
    public void Varints_longer_than_five_bytes_or_truncated_are_rejected()
    {
        int pos = 0;
        Assert.False(VarInt.TryRead([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], ref pos, out int _));
        pos = 0;
        Assert.False(VarInt.TryRead([0xFF, 0xFF, 0xFF, 0xFF, 0x1F], ref pos, out int _));
        pos = 0;
        Assert.False(VarInt.TryRead([0x80, 0x80], ref pos, out int _));
        pos = 0;
        Assert.False(VarInt.TryRead([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02], ref pos, out long _));
        pos = 0;
        Assert.False(VarInt.TryRead([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], ref pos, out long _));
        Assert.Equal(0, pos);
    }

    [Fact]
    public void Random_values_round_trip()
    {
        var random = new Random(5);
        byte[] buffer = new byte[10];
        for (int i = 0; i < 10_000; i++)
        {
            long value = random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64);
            int written = VarInt.Write(buffer, value);
            int pos = 0;
            Assert.True(VarInt.TryRead(buffer, ref pos, out long decoded));
            Assert.Equal(value, decoded);
            Assert.Equal(written, pos);

            int small = (int)value;
            written = VarInt.Write(buffer, small);
            pos = 0;
            Assert.True(VarInt.TryRead(buffer, ref pos, out int decodedSmall));
            Assert.Equal(small, decodedSmall);
            Assert.Equal(written, pos);
        }
    }
}
