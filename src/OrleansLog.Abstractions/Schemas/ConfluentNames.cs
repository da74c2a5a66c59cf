namespace OrleansLog.Schemas;

/// <summary>
/// Confluent's spelling of schema types, compatibility levels and modes (<c>AVRO</c>, <c>BACKWARD_TRANSITIVE</c>, <c>READWRITE</c>),
/// as the REST API, the CLI and error messages use them.
/// </summary>
public static class ConfluentNames
{
    /// <summary>The name of a schema type: <c>AVRO</c>, <c>JSON</c> or <c>PROTOBUF</c>.</summary>
    public static string Of(SchemaType type) => type switch
    {
        SchemaType.Avro => "AVRO",
        SchemaType.Json => "JSON",
        SchemaType.Protobuf => "PROTOBUF",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>The name of a compatibility level, for example <c>FULL_TRANSITIVE</c>.</summary>
    public static string Of(CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.None => "NONE",
        CompatibilityLevel.Backward => "BACKWARD",
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.Forward => "FORWARD",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.Full => "FULL",
        CompatibilityLevel.FullTransitive => "FULL_TRANSITIVE",
        _ => level.ToString().ToUpperInvariant(),
    };

    /// <summary>The name of a mode: <c>READWRITE</c>, <c>READONLY</c> or <c>IMPORT</c>.</summary>
    public static string Of(RegistryMode mode) => mode switch
    {
        RegistryMode.ReadWrite => "READWRITE",
        RegistryMode.ReadOnly => "READONLY",
        RegistryMode.Import => "IMPORT",
        _ => mode.ToString().ToUpperInvariant(),
    };

    /// <summary>Reads a schema type name, case-insensitively; a missing name is Confluent's default, Avro.</summary>
    public static SchemaType ParseSchemaType(string? name) =>
        string.IsNullOrEmpty(name) ? SchemaType.Avro
        : Find(Enum.GetValues<SchemaType>(), Of, name)
            ?? throw new SchemaRegistryException(SchemaRegistryException.Codes.InvalidSchema, $"Unknown schema type '{name}'; use AVRO, JSON or PROTOBUF.");

    /// <summary>Reads a compatibility level name, case-insensitively.</summary>
    public static CompatibilityLevel ParseCompatibility(string? name) =>
        Find(Enum.GetValues<CompatibilityLevel>(), Of, name)
            ?? throw new SchemaRegistryException(
                SchemaRegistryException.Codes.InvalidCompatibilityLevel,
                $"Unknown compatibility level '{name}'; use one of {string.Join(", ", Enum.GetValues<CompatibilityLevel>().Select(Of))}.");

    /// <summary>Reads a mode name, case-insensitively.</summary>
    public static RegistryMode ParseMode(string? name) =>
        Find(Enum.GetValues<RegistryMode>(), Of, name)
            ?? throw new SchemaRegistryException(SchemaRegistryException.Codes.InvalidMode, $"Unknown mode '{name}'; use READWRITE, READONLY or IMPORT.");

    private static T? Find<T>(T[] values, Func<T, string> name, string? wanted)
        where T : struct, Enum =>
        Array.FindIndex(values, v => string.Equals(name(v), wanted, StringComparison.OrdinalIgnoreCase)) is var i and >= 0 ? values[i] : null;
}
