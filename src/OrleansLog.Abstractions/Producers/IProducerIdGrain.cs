namespace OrleansLog.Producers;

/// <summary>Hands out producer ids for idempotent producers; ids are reserved in persisted blocks, so none repeats after a restart.</summary>
/// <remarks>One per cluster, key <see cref="Key"/>.</remarks>
[Alias("OrleansLog.Producers.IProducerIdGrain")]
public interface IProducerIdGrain : IGrainWithIntegerKey
{
    /// <summary>The key of the cluster's one producer id grain.</summary>
    public const long Key = 0;

    /// <summary>Returns a producer id no other producer got or will get.</summary>
    [Alias("NextProducerId")]
    Task<long> NextProducerIdAsync(CancellationToken cancellationToken = default);
}
