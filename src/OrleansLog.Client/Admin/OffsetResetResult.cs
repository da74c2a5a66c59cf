namespace OrleansLog.Client;

/// <summary>One partition of an offset reset: the committed offset before and after (or, for a dry run, what it would become).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="PreviousOffset">The committed offset before, or -1 when there was none.</param>
/// <param name="NewOffset">The committed offset after the reset.</param>
public sealed record OffsetResetResult(string Topic, int Partition, long PreviousOffset, long NewOffset);
