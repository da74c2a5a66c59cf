using System.Reflection;
using Avro;
using Avro.Generic;
using Avro.Specific;

namespace OrleansLog.Client.Schemas;

/// <summary>Which .NET types the Avro serializers take, and the Avro schema each stands for (the schemas Confluent's serializers use).</summary>
internal static class AvroSchemas
{
    /// <summary>
    /// The schema of <typeparamref name="T"/>: an <see cref="ISpecificRecord"/>'s generated <c>_SCHEMA</c>, or a primitive's; null for
    /// <see cref="GenericRecord"/>, whose schema travels with each record. Throws for any other type.
    /// </summary>
    public static Schema? For<T>()
    {
        var type = typeof(T);
        if (type == typeof(GenericRecord))
        {
            return null;
        }

        if (typeof(ISpecificRecord).IsAssignableFrom(type))
        {
            return SpecificSchema(type);
        }

        var primitive = type == typeof(string) ? "string"
            : type == typeof(int) ? "int"
            : type == typeof(long) ? "long"
            : type == typeof(float) ? "float"
            : type == typeof(double) ? "double"
            : type == typeof(bool) ? "boolean"
            : type == typeof(byte[]) ? "bytes"
            : null;
        return primitive is not null
            ? Schema.Parse($"\"{primitive}\"")
            : throw new NotSupportedException(
                $"The Avro serializers take GenericRecord, ISpecificRecord types, string, int, long, float, double, bool and byte[]; not {type.FullName}.");
    }

    /// <summary>The name the record strategies use: the schema's full name (for a primitive, its type name, as Confluent's Java serializer does).</summary>
    public static string NameOf(Schema schema) => schema.Fullname;

    private static Schema SpecificSchema(Type type)
    {
        // Generated classes (avrogen) carry the schema in a public static _SCHEMA field; a hand-written one at least has an instance property.
        if (type.GetField("_SCHEMA", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is Schema generated)
        {
            return generated;
        }

        var instance = type.GetConstructor(Type.EmptyTypes)?.Invoke(null) as ISpecificRecord
            ?? throw new NotSupportedException($"{type.FullName} has neither a public static _SCHEMA field nor a public parameterless constructor, so its Avro schema cannot be found.");
        return instance.Schema;
    }
}
