namespace OrleansLog.Records;

/// <summary>Whose clock a record batch's timestamps come from, as stored in bit 3 of the batch attributes.</summary>
public enum TimestampType : byte
{
    /// <summary>The producer's timestamps, per record.</summary>
    CreateTime = 0,

    /// <summary>The time the partition appended the batch (the batch's max timestamp), for every record.</summary>
    LogAppendTime = 1,
}
