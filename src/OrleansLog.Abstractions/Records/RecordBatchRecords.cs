namespace OrleansLog.Records;

/// <summary>The records of one checked batch, enumerable with <c>foreach</c> without allocation per record.</summary>
public readonly struct RecordBatchRecords
{
    private readonly ReadOnlyMemory<byte> _records;

    internal RecordBatchRecords(RecordBatchHeader header, ReadOnlyMemory<byte> records)
    {
        Header = header;
        _records = records;
    }

    /// <summary>The batch header.</summary>
    public RecordBatchHeader Header { get; }

    /// <summary>The number of records the batch holds.</summary>
    public int Count => Header.RecordCount;

    /// <summary>Returns an enumerator over the records, in offset order.</summary>
    public Enumerator GetEnumerator() => new(Header, _records);

    /// <summary>Decodes one record per <see cref="MoveNext"/>; throws <see cref="Errors.InvalidRecordException"/> at a malformed record.</summary>
    public struct Enumerator
    {
        private readonly RecordBatchHeader _header;
        private readonly ReadOnlyMemory<byte> _records;
        private int _position;
        private int _index;
        private int _previousDelta;
        private Record _current;

        internal Enumerator(RecordBatchHeader header, ReadOnlyMemory<byte> records)
        {
            _header = header;
            _records = records;
            _position = 0;
            _index = 0;
            _previousDelta = -1;
            _current = default;
        }

        /// <summary>The record at the enumerator's position.</summary>
        public readonly Record Current => _current;

        /// <summary>Decodes the next record; false after the last one.</summary>
        public bool MoveNext()
        {
            ReadOnlySpan<byte> span = _records.Span;
            if (_index >= _header.RecordCount)
            {
                if (_index == _header.RecordCount)
                {
                    // Once, after the last record: the declared count must use up the records section.
                    _index++;
                    RecordDecoder.CheckFullyConsumed(span.Length, _position, _header.RecordCount);
                }

                return false;
            }

            RecordDecoder.Read(span, ref _position, _index, out RecordFields f);
            RecordDecoder.CheckOffsetDelta(f.OffsetDelta, _index, _previousDelta, _header, strictOffsets: false);
            _previousDelta = f.OffsetDelta;
            _index++;

            TimestampType timestampType = _header.TimestampType;
            long timestamp = timestampType == TimestampType.LogAppendTime ? _header.MaxTimestamp : _header.BaseTimestamp + f.TimestampDelta;
            _current = new Record(
                _header.BaseOffset + f.OffsetDelta,
                timestamp,
                timestampType,
                f.KeyLength < 0 ? ReadOnlyMemory<byte>.Empty : _records.Slice(f.KeyStart, f.KeyLength),
                f.KeyLength < 0,
                f.ValueLength < 0 ? ReadOnlyMemory<byte>.Empty : _records.Slice(f.ValueStart, f.ValueLength),
                f.ValueLength < 0,
                f.HeaderCount,
                _records.Slice(f.HeadersStart, f.HeadersLength));
            return true;
        }
    }
}
