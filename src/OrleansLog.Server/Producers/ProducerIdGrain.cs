using Orleans.Storage;
using OrleansLog.Errors;
using OrleansLog.Hosting;

namespace OrleansLog.Producers;

/// <summary>
/// Hands out producer ids from blocks it reserves in grain state before using them: a crash loses the rest of a block
/// but never hands an id out twice, and one storage write serves <see cref="BlockSize"/> producers.
/// </summary>
[GrainType(GrainTypes.ProducerId)]
internal sealed class ProducerIdGrain(
    [PersistentState("producer-ids", OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<ProducerIdBlock> block) : Grain, IProducerIdGrain
{
    /// <summary>How many ids one storage write reserves.</summary>
    public const int BlockSize = 1000;

    private long _next;
    private long _end;

    public async Task<long> NextProducerIdAsync(CancellationToken cancellationToken)
    {
        if (_next >= _end)
        {
            var start = block.State.NextBlockStart;
            block.State.NextBlockStart = start + BlockSize;
            try
            {
                await block.WriteStateAsync();
            }
            catch (InconsistentStateException e)
            {
                // Another activation reserved a block meanwhile; this one must not reuse what it read.
                DeactivateOnIdle();
                throw new NotLeaderException("The producer id grain moved while reserving ids; retry.", e);
            }

            _next = start;
            _end = start + BlockSize;
        }

        return _next++;
    }
}
