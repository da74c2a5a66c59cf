namespace OrleansLog.Client;

/// <summary>What a partition fetcher hands the consumer: whole batches, a position reset, or an error to raise.</summary>
internal sealed record FetchedChunk(PartitionFetcher Fetcher, int Generation, ReadOnlyMemory<byte> Data, long ResetPosition = -1, Exception? Error = null);
