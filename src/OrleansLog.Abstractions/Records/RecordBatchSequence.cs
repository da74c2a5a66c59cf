namespace OrleansLog.Records;

/// <summary>Splits a buffer of concatenated batches (a fetch response or a segment read) into one memory slice per complete batch; an incomplete final batch is not yielded.</summary>
public readonly struct RecordBatchSequence
{
    private readonly ReadOnlyMemory<byte> _buffer;

    /// <summary>Wraps a buffer of concatenated batches.</summary>
    public RecordBatchSequence(ReadOnlyMemory<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Returns the number of leading bytes of <paramref name="buffer"/> that are complete batches.</summary>
    public static int CountCompleteBytes(ReadOnlySpan<byte> buffer) => RecordBatch.CountCompleteBytes(buffer);

    /// <summary>Returns an enumerator over the complete batches.</summary>
    public Enumerator GetEnumerator() => new(_buffer);

    /// <summary>Yields one batch at a time; throws <see cref="Errors.InvalidRecordException"/> at a batch whose length field or magic is invalid.</summary>
    public struct Enumerator
    {
        private ReadOnlyMemory<byte> _remaining;
        private ReadOnlyMemory<byte> _current;

        internal Enumerator(ReadOnlyMemory<byte> buffer)
        {
            _remaining = buffer;
            _current = default;
        }

        /// <summary>The batch at the enumerator's position: exactly one batch.</summary>
        public readonly ReadOnlyMemory<byte> Current => _current;

        /// <summary>Moves to the next complete batch; false at the end or at an incomplete tail.</summary>
        public bool MoveNext()
        {
            if (!RecordBatch.TryPeek(_remaining.Span, out RecordBatchHeader header))
            {
                _current = default;
                return false;
            }

            int size = header.TotalSize;
            _current = _remaining[..size];
            _remaining = _remaining[size..];
            return true;
        }
    }
}
