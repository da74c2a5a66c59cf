using System.Reflection;
using Avro;
using Avro.Generic;
using Avro.Specific;
using OrleansLog.Schemas;
using RegistrySchema = OrleansLog.Schemas.Schema;
using Schema = Avro.Schema;

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

    /// <summary>
    /// Parses a registered schema as Avro, with the named types of the schemas it references (their references first, depth first, each
    /// version once), as Confluent's serializers resolve them. <paramref name="what"/> names the schema in errors.
    /// </summary>
    /// <exception cref="SchemaSerializationException">The schema, or one it references, is not Avro or does not parse.</exception>
    public static async Task<Schema> ParseAsync(SchemaRegistryClient registry, RegistrySchema schema, string what, CancellationToken cancellationToken)
    {
        var names = new SchemaNames();
        if (schema.References.Count > 0)
        {
            // Each referenced version's named types join the names the next ones, and the schema itself, may use.
            foreach (var referenced in await registry.GetReferencedAsync(schema.References, cancellationToken).ConfigureAwait(false))
            {
                Parse(referenced.Schema, names, referenced.Which(what));
            }
        }

        return Parse(schema, names, what);
    }

    private static Schema Parse(RegistrySchema schema, SchemaNames names, string what)
    {
        if (schema.Type != SchemaType.Avro)
        {
            throw new SchemaSerializationException(
                Errors.ErrorCode.InvalidRecord,
                $"{what} is a {ConfluentNames.Of(schema.Type)} schema, not AVRO; the record was not written by an Avro serializer.");
        }

        try
        {
            return Schema.Parse(schema.Text, names, null);
        }
        catch (AvroException e)
        {
            throw new SchemaSerializationException(Errors.ErrorCode.InvalidRecord, $"{what} does not parse as Avro: {e.Message}", e);
        }
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
