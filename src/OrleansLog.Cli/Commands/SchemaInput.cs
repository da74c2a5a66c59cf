using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OrleansLog.Schemas;

namespace OrleansLog.Cli.Commands;

/// <summary>
/// What <c>orleanslog schemas</c> reads from its command line and files (versions, schema types, references, schema files) and how it
/// shows schemas; kept apart from the commands so the parsing is checked without a cluster.
/// </summary>
internal static class SchemaInput
{
    private static readonly JsonWriterOptions s_indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads <c>--version</c>: a positive number, or <c>latest</c> (also Confluent's <c>-1</c>).</summary>
    public static int ParseVersion(string value) =>
        string.Equals(value, "latest", StringComparison.OrdinalIgnoreCase) || value == "-1" ? ISchemaRegistryGrain.LatestVersion
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0 ? version
        : throw new CliException($"--version '{value}' is not a positive number or latest.", ExitCodes.Usage);

    /// <summary>
    /// The schema type of a file: <paramref name="type"/> when given (<c>avro</c>, <c>json</c>, <c>protobuf</c>, any case), else from the
    /// extension (<c>.avsc</c> Avro, <c>.json</c> JSON Schema, <c>.proto</c> Protobuf), else Avro as Confluent's default.
    /// </summary>
    public static SchemaType TypeOf(string path, string? type)
    {
        if (type is not null)
        {
            try
            {
                return ConfluentNames.ParseSchemaType(type);
            }
            catch (SchemaRegistryException)
            {
                throw new CliException($"--type '{type}' is not one of avro, json, protobuf.", ExitCodes.Usage);
            }
        }

        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".json" => SchemaType.Json,
            ".proto" => SchemaType.Protobuf,
            _ => SchemaType.Avro,
        };
    }

    /// <summary>Reads <c>--reference name=subject:version</c> (version a number or <c>latest</c>); the subject may itself hold colons.</summary>
    public static SchemaReference ParseReference(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        var colon = value.LastIndexOf(':');
        if (equals <= 0 || colon <= equals + 1 || colon == value.Length - 1)
        {
            throw new CliException($"--reference '{value}' is not name=subject:version (for example com.acme.Address=address-value:1).", ExitCodes.Usage);
        }

        var version = value[(colon + 1)..];
        try
        {
            return new SchemaReference(value[..equals], value[(equals + 1)..colon], ParseVersion(version));
        }
        catch (CliException)
        {
            throw new CliException($"--reference '{value}' has version '{version}'; use a positive number or latest.", ExitCodes.Usage);
        }
    }

    /// <summary>Reads the schema in <paramref name="file"/>, of <paramref name="type"/> (or the file's extension), with its references.</summary>
    public static async Task<Schema> ReadAsync(FileInfo file, string? type, string[]? references, CancellationToken cancellationToken)
    {
        var schemaType = TypeOf(file.Name, type);
        var parsedReferences = (references ?? []).Select(ParseReference).ToList();
        if (!file.Exists)
        {
            throw new CliException($"The schema file '{file.FullName}' does not exist.", ExitCodes.Usage);
        }

        var text = await File.ReadAllTextAsync(file.FullName, Encoding.UTF8, cancellationToken);
        return string.IsNullOrWhiteSpace(text)
            ? throw new CliException($"The schema file '{file.FullName}' is empty.", ExitCodes.Usage)
            : new Schema(text, schemaType, parsedReferences);
    }

    /// <summary>References as <c>name=subject:version</c>, comma-separated, or <c>none</c>.</summary>
    public static string Describe(IReadOnlyList<SchemaReference> references) =>
        references.Count == 0 ? "none" : string.Join(", ", references.Select(r => $"{r.Name}={r.Subject}:{Version(r.Version)}"));

    /// <summary>A version number, or <c>latest</c>.</summary>
    public static string Version(int version) =>
        version == ISchemaRegistryGrain.LatestVersion ? "latest" : version.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The schema text indented for reading: Avro and JSON Schema (both JSON) re-indented, Protobuf (and text that is not JSON) as stored.
    /// </summary>
    public static string Pretty(Schema schema)
    {
        if (schema.Type == SchemaType.Protobuf)
        {
            return schema.Text;
        }

        try
        {
            using var document = JsonDocument.Parse(schema.Text);
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, s_indented))
            {
                document.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (JsonException)
        {
            return schema.Text;
        }
    }
}
