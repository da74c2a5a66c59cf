using BenchmarkDotNet.Running;
using OrleansLog.Benchmarks;

// `throughput` measures the service end to end (produce and fetch through a silo on Azurite, with the storage ceiling
// measured in the same run); anything else goes to BenchmarkDotNet's micro benchmarks of the record batch codec.
if (args.Length > 0 && args[0] == "throughput")
{
    return await ThroughputBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(ThroughputBenchmark).Assembly).Run(args);
return 0;
