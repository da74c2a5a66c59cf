using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using OrleansLog.Errors;
using Snappier;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace OrleansLog.Records;

/// <summary>Compresses and decompresses the records section of a batch with Kafka's codecs; every decompression is bounded.</summary>
internal static class RecordCompression
{
    // snappy-java's SnappyOutputStream framing, which Kafka's Java client writes.
    private static ReadOnlySpan<byte> XerialMagic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];

    private const int XerialHeaderSize = 16;
    private const int XerialBlockSize = 32 * 1024;
    private const int ZstdLevel = 3;
    private const int ReadChunk = 16 * 1024;

    private static readonly LZ4EncoderSettings Lz4Settings = new()
    {
        // Kafka's Lz4BlockInputStream refuses dependent blocks and writes 64 KiB blocks without checksums.
        ChainBlocks = false,
        BlockSize = K4os.Compression.LZ4.Internal.Mem.K64,
        BlockChecksum = false,
        ContentChecksum = false,
        CompressionLevel = LZ4Level.L00_FAST,
    };

    [ThreadStatic]
    private static Compressor? t_zstdCompressor;

    /// <summary>Appends the compressed form of <paramref name="records"/> to <paramref name="output"/>.</summary>
    public static void Compress(CompressionType codec, ReadOnlySpan<byte> records, PooledByteBuffer output)
    {
        switch (codec)
        {
            case CompressionType.None:
                output.Write(records);
                break;
            case CompressionType.Gzip:
                using (var sink = new BufferWriterStream(output))
                using (var gzip = new GZipStream(sink, CompressionLevel.Optimal, leaveOpen: true))
                {
                    gzip.Write(records);
                }

                break;
            case CompressionType.Snappy:
                CompressSnappyXerial(records, output);
                break;
            case CompressionType.Lz4:
                LZ4Frame.Encode(records, output, Lz4Settings);
                break;
            case CompressionType.Zstd:
                Compressor zstd = t_zstdCompressor ??= new Compressor(ZstdLevel);
                int bound = Compressor.GetCompressBound(records.Length);
                int written = zstd.Wrap(records, output.GetSpan(bound));
                output.Advance(written);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(codec), codec, "Unknown compression type.");
        }
    }

    /// <summary>Appends the decompressed form of <paramref name="compressed"/> to <paramref name="output"/>; throws <see cref="InvalidRecordException"/> if the data is malformed or expands beyond <paramref name="maxBytes"/>.</summary>
    public static void Decompress(CompressionType codec, ReadOnlySpan<byte> compressed, int maxBytes, PooledByteBuffer output)
    {
        try
        {
            switch (codec)
            {
                case CompressionType.None:
                    if (compressed.Length > maxBytes)
                    {
                        throw TooLarge(codec, maxBytes);
                    }

                    output.Write(compressed);
                    break;
                case CompressionType.Snappy:
                    DecompressSnappy(compressed, maxBytes, output);
                    break;
                case CompressionType.Gzip:
                case CompressionType.Lz4:
                case CompressionType.Zstd:
                    DecompressStream(codec, compressed, maxBytes, output);
                    break;
                default:
                    throw new InvalidRecordException($"Record batch compression type {(int)codec} is unknown; expected 0 (none) to 4 (zstd).");
            }
        }
        catch (Exception ex) when (ex is not InvalidRecordException and not OutOfMemoryException)
        {
            // Decoders report garbage with assorted exception types; the batch is what is wrong.
            throw new InvalidRecordException($"Cannot decompress the {codec} records of the batch: {ex.Message}; the batch is corrupt.", ex);
        }
    }

    private static unsafe void DecompressStream(CompressionType codec, ReadOnlySpan<byte> compressed, int maxBytes, PooledByteBuffer output)
    {
        fixed (byte* source = compressed)
        {
            using var input = new UnmanagedMemoryStream(source, compressed.Length);
            using Stream decoder = OpenDecoder(codec, input, maxBytes);
            int start = output.Length;
            while (true)
            {
                int read = decoder.Read(output.GetSpan(ReadChunk));
                if (read <= 0)
                {
                    break;
                }

                output.Advance(read);
                if (output.Length - start > maxBytes)
                {
                    throw TooLarge(codec, maxBytes);
                }
            }
        }
    }

    private static Stream OpenDecoder(CompressionType codec, Stream input, int maxBytes)
    {
        switch (codec)
        {
            case CompressionType.Gzip:
                return new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
            case CompressionType.Lz4:
                return LZ4Stream.Decode(input, 0, leaveOpen: true);
            default:
                var decompressor = new Decompressor();
                // A hostile frame may declare a huge window; cap it near the output bound (at least 8 MiB, more than
                // Kafka's zstd-jni uses at its default level, at most zstd's own default limit of 128 MiB).
                int windowLog = Math.Clamp(32 - int.LeadingZeroCount(Math.Max(maxBytes, 1) - 1), 23, 27);
                decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, windowLog);
                return new DecompressionStream(input, decompressor, 0, checkEndOfStream: true, preserveDecompressor: false, leaveOpen: true);
        }
    }

    private static void CompressSnappyXerial(ReadOnlySpan<byte> records, PooledByteBuffer output)
    {
        Span<byte> header = output.GetSpan(XerialHeaderSize);
        XerialMagic.CopyTo(header);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], 1); // version
        BinaryPrimitives.WriteInt32BigEndian(header[12..], 1); // minimum compatible version
        output.Advance(XerialHeaderSize);

        while (!records.IsEmpty)
        {
            ReadOnlySpan<byte> block = records[..Math.Min(XerialBlockSize, records.Length)];
            records = records[block.Length..];
            Span<byte> target = output.GetSpan(4 + Snappy.GetMaxCompressedLength(block.Length));
            int written = Snappy.Compress(block, target[4..]);
            BinaryPrimitives.WriteInt32BigEndian(target, written);
            output.Advance(4 + written);
        }
    }

    private static void DecompressSnappy(ReadOnlySpan<byte> compressed, int maxBytes, PooledByteBuffer output)
    {
        if (!compressed.StartsWith(XerialMagic))
        {
            // librdkafka and other clients may send one raw snappy block.
            DecompressSnappyBlock(compressed, maxBytes, output, output.Length);
            return;
        }

        int start = output.Length;
        int pos = 0;
        while (pos < compressed.Length)
        {
            if (compressed[pos..].StartsWith(XerialMagic))
            {
                // snappy-java accepts concatenated streams, each with its own header.
                if (compressed.Length - pos < XerialHeaderSize)
                {
                    throw new InvalidRecordException($"Snappy xerial header at byte {pos} is truncated; the batch is corrupt.");
                }

                pos += XerialHeaderSize;
                continue;
            }

            if (compressed.Length - pos < 4)
            {
                throw new InvalidRecordException($"Snappy xerial block length at byte {pos} is truncated; the batch is corrupt.");
            }

            int blockLength = BinaryPrimitives.ReadInt32BigEndian(compressed[pos..]);
            pos += 4;
            if (blockLength <= 0 || blockLength > compressed.Length - pos)
            {
                throw new InvalidRecordException(
                    $"Snappy xerial block length {blockLength} at byte {pos - 4} is outside the {compressed.Length - pos} remaining bytes; the batch is corrupt.");
            }

            DecompressSnappyBlock(compressed.Slice(pos, blockLength), maxBytes, output, start);
            pos += blockLength;
        }
    }

    private static void DecompressSnappyBlock(ReadOnlySpan<byte> block, int maxBytes, PooledByteBuffer output, int start)
    {
        int length = Snappy.GetUncompressedLength(block);
        if (length < 0 || (long)output.Length - start + length > maxBytes)
        {
            throw TooLarge(CompressionType.Snappy, maxBytes);
        }

        if (!Snappy.TryDecompress(block, output.GetSpan(length), out int written) || written != length)
        {
            throw new InvalidRecordException($"Snappy block declares {length} bytes but does not decode to them; the batch is corrupt.");
        }

        output.Advance(written);
    }

    private static InvalidRecordException TooLarge(CompressionType codec, int maxBytes) =>
        new($"The {codec} records of the batch decompress to more than the limit of {maxBytes} bytes; the batch is corrupt or hostile.");
}
