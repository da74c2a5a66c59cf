namespace OrleansLog.Records;

/// <summary>A write-only stream over a <see cref="PooledByteBuffer"/>, for codecs that only offer a stream API.</summary>
internal sealed class BufferWriterStream(PooledByteBuffer target) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => target.Length;

    public override long Position
    {
        get => target.Length;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data) => target.Write(data);

    public override void WriteByte(byte value) => target.Write([value]);
}
