using OrleansLog.Client.Schemas;
using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.Tests.Schemas;

public sealed class SchemaWireFormatTests
{
    [Fact]
    public void Header_is_the_magic_byte_then_the_schema_id_big_endian()
    {
        var header = new byte[SchemaWireFormat.HeaderLength];
        SchemaWireFormat.WriteHeader(header, 0x01020304);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, header);

        SchemaWireFormat.WriteHeader(header, int.MaxValue);
        Assert.Equal(new byte[] { 0, 0x7F, 0xFF, 0xFF, 0xFF }, header);
    }

    [Fact]
    public void Schema_ids_round_trip_through_the_header()
    {
        var random = new Random(15);
        var data = new byte[SchemaWireFormat.HeaderLength + 3];
        for (var i = 0; i < 1000; i++)
        {
            var id = i < 3 ? i : random.Next();
            SchemaWireFormat.WriteHeader(data, id);
            Assert.Equal(0, data[0]);
            Assert.Equal(id, SchemaWireFormat.ReadSchemaId(data));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Data_shorter_than_the_header_is_refused_naming_its_length(int length)
    {
        var error = Assert.Throws<SchemaSerializationException>(() => SchemaWireFormat.ReadSchemaId(new byte[length]));
        Assert.Equal(ErrorCode.CorruptMessage, error.ErrorCode);
        Assert.Contains($"{length} byte(s)", error.Message);
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x7B)]
    [InlineData(0xFF)]
    public void Data_without_the_magic_byte_is_refused_naming_the_byte_found(byte first)
    {
        var error = Assert.Throws<SchemaSerializationException>(() => SchemaWireFormat.ReadSchemaId([first, 0, 0, 0, 1, 2]));
        Assert.Equal(ErrorCode.CorruptMessage, error.ErrorCode);
        Assert.Contains($"0x{first:X2}", error.Message);
    }

    [Fact]
    public void A_destination_shorter_than_the_header_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SchemaWireFormat.WriteHeader(new byte[4], 1));
    }
}
