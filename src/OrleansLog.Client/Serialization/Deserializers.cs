using System.Text;
using System.Text.Json;

namespace OrleansLog.Client.Serialization;

/// <summary>The built-in deserializers, matching <see cref="Serializers"/>.</summary>
public static class Deserializers
{
    /// <summary>UTF-8 strings.</summary>
    public static IDeserializer<string> Utf8 { get; } = new Utf8Deserializer();

    /// <summary>Byte arrays (a copy of the record's bytes).</summary>
    public static IDeserializer<byte[]> ByteArray { get; } = new ByteArrayDeserializer();

    /// <summary>JSON into <typeparamref name="T"/>.</summary>
    public static IDeserializer<T> Json<T>(JsonSerializerOptions? options = null) => new JsonDeserializer<T>(options);

    /// <summary>The deserializer a consumer uses when none is given: UTF-8 for strings, raw for byte arrays, JSON otherwise.</summary>
    public static IDeserializer<T> Default<T>() =>
        typeof(T) == typeof(string) ? (IDeserializer<T>)(object)Utf8
        : typeof(T) == typeof(byte[]) ? (IDeserializer<T>)(object)ByteArray
        : Json<T>();

    private sealed class Utf8Deserializer : IDeserializer<string>
    {
        public string? Deserialize(ReadOnlySpan<byte> data, bool isNull) => isNull ? null : Encoding.UTF8.GetString(data);
    }

    private sealed class ByteArrayDeserializer : IDeserializer<byte[]>
    {
        public byte[]? Deserialize(ReadOnlySpan<byte> data, bool isNull) => isNull ? null : data.ToArray();
    }

    private sealed class JsonDeserializer<T>(JsonSerializerOptions? options) : IDeserializer<T>
    {
        public T? Deserialize(ReadOnlySpan<byte> data, bool isNull) => isNull ? default : JsonSerializer.Deserialize<T>(data, options);
    }
}
