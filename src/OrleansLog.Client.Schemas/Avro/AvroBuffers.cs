using Avro.IO;

namespace OrleansLog.Client.Schemas;

/// <summary>
/// One reusable stream and Avro encoder (and one decoder) per thread, so serializing a record allocates only its result and decoding one
/// only what Avro builds. A serializer never runs inside another on one thread, so each thread's buffers have one user at a time.
/// </summary>
internal static class AvroBuffers
{
    /// <summary>A buffer that grew past this is dropped after use rather than kept for the thread's life.</summary>
    private const int MaxRetainedBytes = 1024 * 1024;

    [ThreadStatic]
    private static WriteBuffer? t_write;

    [ThreadStatic]
    private static ReadBuffer? t_read;

    /// <summary>Encodes a record: the wire-format header for <paramref name="schemaId"/>, then what <paramref name="write"/> writes.</summary>
    public static byte[] Write<TState, TValue>(int schemaId, TState state, TValue value, Action<TState, TValue, Encoder> write)
    {
        var buffer = t_write ??= new WriteBuffer();
        var stream = buffer.Stream;
        stream.SetLength(0);
        Span<byte> header = stackalloc byte[SchemaWireFormat.HeaderLength];
        SchemaWireFormat.WriteHeader(header, schemaId);
        stream.Write(header);
        write(state, value, buffer.Encoder);
        buffer.Encoder.Flush();
        var bytes = stream.ToArray();
        if (stream.Capacity > MaxRetainedBytes)
        {
            t_write = null;
        }

        return bytes;
    }

    /// <summary>Decodes <paramref name="payload"/> (the bytes after the header) with <paramref name="read"/>.</summary>
    public static TValue Read<TState, TValue>(ReadOnlySpan<byte> payload, TState state, Func<TState, Decoder, TValue> read)
    {
        var buffer = t_read ??= new ReadBuffer();
        var stream = buffer.Stream;
        stream.SetLength(0);
        stream.Write(payload);
        stream.Position = 0;
        var value = read(state, buffer.Decoder);
        if (stream.Capacity > MaxRetainedBytes)
        {
            t_read = null;
        }

        return value;
    }

    private sealed class WriteBuffer
    {
        public WriteBuffer()
        {
            Stream = new MemoryStream(1024);
            Encoder = new BinaryEncoder(Stream);
        }

        public MemoryStream Stream { get; }

        public BinaryEncoder Encoder { get; }
    }

    private sealed class ReadBuffer
    {
        public ReadBuffer()
        {
            Stream = new MemoryStream(1024);
            Decoder = new BinaryDecoder(Stream);
        }

        public MemoryStream Stream { get; }

        public BinaryDecoder Decoder { get; }
    }
}
