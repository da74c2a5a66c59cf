using BenchmarkDotNet.Running;
using OrleansLog.Benchmarks;

// BenchmarkDotNet micro benchmarks of the record batch codec. End-to-end throughput is `orleanslog perf produce|consume`
// against a running cluster (see the README's Performance section).
BenchmarkSwitcher.FromAssembly(typeof(RecordBatchBenchmarks).Assembly).Run(args);
return 0;
