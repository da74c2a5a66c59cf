using System.Text;
using System.Text.Json;

namespace OrleansLog.Client.Serialization;

/// <summary>The built-in serializers: UTF-8 strings, raw bytes and JSON (System.Text.Json).</summary>
public static class Serializers
{
    /// <summary>Strings as UTF-8.</summary>
    public static ISerializer<string> Utf8 { get; } = new Utf8Serializer();

    /// <summary>Byte arrays as they are.</summary>
    public static ISerializer<byte[]> ByteArray { get; } = new ByteArraySerializer();

    /// <summary>Any type as JSON.</summary>
    public static ISerializer<T> Json<T>(JsonSerializerOptions? options = null) => new JsonSerializer<T>(options);

    /// <summary>The serializer a producer uses when none is given: UTF-8 for strings, raw for byte arrays, JSON otherwise.</summary>
    public static ISerializer<T> Default<T>() =>
        typeof(T) == typeof(string) ? (ISerializer<T>)(object)Utf8
        : typeof(T) == typeof(byte[]) ? (ISerializer<T>)(object)ByteArray
        : Json<T>();

    private sealed class Utf8Serializer : ISerializer<string>
    {
        public byte[]? Serialize(string? value) => value is null ? null : Encoding.UTF8.GetBytes(value);
    }

    private sealed class ByteArraySerializer : ISerializer<byte[]>
    {
        public byte[]? Serialize(byte[]? value) => value;
    }

    private sealed class JsonSerializer<T>(JsonSerializerOptions? options) : ISerializer<T>
    {
        public byte[]? Serialize(T? value) => value is null ? null : JsonSerializer.SerializeToUtf8Bytes(value, options);
    }
}
