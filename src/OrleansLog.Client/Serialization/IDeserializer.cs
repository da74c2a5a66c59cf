namespace OrleansLog.Client.Serialization;

/// <summary>Turns a record's key or value bytes back into a value.</summary>
public interface IDeserializer<out T>
{
    /// <summary>Deserializes <paramref name="data"/>; <paramref name="isNull"/> says the record carried null.</summary>
    T? Deserialize(ReadOnlySpan<byte> data, bool isNull);
}
