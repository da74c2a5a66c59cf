namespace OrleansLog.Records;

/// <summary>One record header: a UTF-8 name and a nullable byte value.</summary>
/// <param name="Key">The header name; never null.</param>
/// <param name="Value">The header value, or null.</param>
public readonly record struct RecordHeader(string Key, byte[]? Value);
