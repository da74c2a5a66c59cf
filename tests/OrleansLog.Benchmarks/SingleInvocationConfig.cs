using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace OrleansLog.Benchmarks;

/// <summary>
/// Seconds per operation: one invocation per iteration, one warm-up and no pilot runs, in this process, for benchmarks whose setup
/// (an Azurite, a gigabyte of input) is built once.
/// </summary>
internal abstract class SingleInvocationConfig : ManualConfig
{
    protected SingleInvocationConfig(int iterations) => AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithStrategy(RunStrategy.Monitoring)
        .WithLaunchCount(1)
        .WithWarmupCount(1)
        .WithIterationCount(iterations));
}
