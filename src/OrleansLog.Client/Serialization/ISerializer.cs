namespace OrleansLog.Client.Serialization;

/// <summary>Turns a key or value into bytes for a record; null means a null key or value.</summary>
public interface ISerializer<in T>
{
    /// <summary>Serializes <paramref name="value"/>.</summary>
    byte[]? Serialize(T? value);
}
