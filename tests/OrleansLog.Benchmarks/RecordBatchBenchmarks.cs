using BenchmarkDotNet.Attributes;
using OrleansLog.Records;

namespace OrleansLog.Benchmarks;

/// <summary>The codec's hot paths for a batch of 100 records with 16-byte keys and 100-byte values.</summary>
[MemoryDiagnoser]
public class RecordBatchBenchmarks
{
    private readonly byte[] _key = new byte[16];
    private readonly byte[] _value = new byte[100];
    private readonly RecordBatchBuilder _builder = new();
    private byte[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_value);
        _batch = Build();
    }

    [Benchmark]
    public byte[] Build()
    {
        for (var i = 0; i < 100; i++)
        {
            _builder.Append(1_700_000_000_000 + i, _key, _value);
        }

        return _builder.Build();
    }

    [Benchmark]
    public RecordBatchHeader ValidateDeep() => RecordBatch.Validate(_batch, int.MaxValue, deep: true);

    [Benchmark]
    public long ReadRecords()
    {
        long sum = 0;
        foreach (var record in RecordBatchReader.ReadRecords(_batch))
        {
            sum += record.Value.Length;
        }

        return sum;
    }
}
