using System.Runtime.InteropServices;

namespace OrleansLog.Partitions;

/// <summary>Builds the records of a fetch response from the batches collected from the tail or a segment.</summary>
internal static class FetchedRecords
{
    /// <summary>One copy into the response, unless the batches already fill one whole array.</summary>
    public static byte[] Concatenate(List<ReadOnlyMemory<byte>> chunks)
    {
        if (chunks.Count == 0)
        {
            return [];
        }

        if (chunks.Count == 1 && MemoryMarshal.TryGetArray(chunks[0], out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length)
        {
            return whole.Array;
        }

        var size = 0;
        foreach (var chunk in chunks)
        {
            size += chunk.Length;
        }

        var records = GC.AllocateUninitializedArray<byte>(size);
        var position = 0;
        foreach (var chunk in chunks)
        {
            chunk.Span.CopyTo(records.AsSpan(position));
            position += chunk.Length;
        }

        return records;
    }
}
