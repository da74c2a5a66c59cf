using BenchmarkDotNet.Running;
using OrleansLog.Benchmarks;

// BenchmarkDotNet benchmarks: the record batch codec, and partition recovery from a full active segment in a local Azurite
// (RecoveryBenchmarks), compaction of a 1 GiB partition (CompactionBenchmarks), and Orleans streams through OrleansLog next to
// Orleans' in-memory provider (StreamsBenchmarks). End-to-end throughput is `orleanslog perf produce|consume` against a running cluster (see the README's
// Performance section).
BenchmarkSwitcher.FromAssembly(typeof(RecordBatchBenchmarks).Assembly).Run(args);
return 0;
