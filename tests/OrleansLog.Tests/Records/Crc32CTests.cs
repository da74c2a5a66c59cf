using OrleansLog.Records;

namespace OrleansLog.Tests.Records;

public sealed class Crc32CTests
{
    [Fact]
    public void Crc32C_of_123456789_is_the_Castagnoli_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0xE3069283u, RecordTestData.ReferenceCrc32C("123456789"u8));
    }

    [Fact]
    public void Crc32C_of_empty_input_is_zero()
    {
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Crc32C_matches_the_bitwise_reference_for_every_length_and_alignment()
    {
        var random = new Random(7);
        byte[] data = new byte[300];
        random.NextBytes(data);
        for (int start = 0; start < 9; start++)
        {
            for (int length = 0; length + start <= data.Length; length++)
            {
                ReadOnlySpan<byte> slice = data.AsSpan(start, length);
                Assert.Equal(RecordTestData.ReferenceCrc32C(slice), Crc32C.Compute(slice));
            }
        }
    }

    [Fact]
    public void Appending_in_pieces_gives_the_crc_of_the_whole()
    {
        var random = new Random(11);
        byte[] data = new byte[1000];
        random.NextBytes(data);
        uint whole = Crc32C.Compute(data);
        for (int split = 0; split <= data.Length; split += 37)
        {
            uint crc = Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split));
            Assert.Equal(whole, crc);
        }
    }
}
