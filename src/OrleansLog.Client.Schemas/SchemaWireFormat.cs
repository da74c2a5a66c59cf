using System.Buffers.Binary;

namespace OrleansLog.Client.Schemas;

/// <summary>
/// Confluent's wire format for schema-registry records: byte 0 is the magic byte 0, bytes 1 to 4 the schema's global id (big-endian),
/// then the payload (Avro binary, or UTF-8 JSON).
/// </summary>
public static class SchemaWireFormat
{
    /// <summary>The first byte of every framed record.</summary>
    public const byte MagicByte = 0;

    /// <summary>The length of the header before the payload: the magic byte and the 4-byte schema id.</summary>
    public const int HeaderLength = 5;

    /// <summary>Writes the header for <paramref name="schemaId"/> into the first <see cref="HeaderLength"/> bytes of <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination, int schemaId)
    {
        if (destination.Length < HeaderLength)
        {
            throw new ArgumentException($"The header needs {HeaderLength} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        destination[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], schemaId);
    }

    /// <summary>
    /// Reads the schema id from the header of <paramref name="data"/>; the payload follows at <see cref="HeaderLength"/>. Throws a
    /// <see cref="SchemaSerializationException"/> naming what was found when the data is too short or does not start with the magic byte.
    /// </summary>
    public static int ReadSchemaId(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderLength)
        {
            throw new SchemaSerializationException(
                Errors.ErrorCode.CorruptMessage,
                $"The data is {data.Length} byte(s) long; a schema-registry record needs at least {HeaderLength} (magic byte 0 and a 4-byte schema id). Was it written by a schema serializer?");
        }

        if (data[0] != MagicByte)
        {
            throw new SchemaSerializationException(
                Errors.ErrorCode.CorruptMessage,
                $"The data starts with byte 0x{data[0]:X2}; a schema-registry record starts with the magic byte 0x00. Was it written by a schema serializer?");
        }

        return BinaryPrimitives.ReadInt32BigEndian(data[1..]);
    }
}
