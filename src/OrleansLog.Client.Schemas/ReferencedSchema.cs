using OrleansLog.Schemas;

namespace OrleansLog.Client.Schemas;

/// <summary>
/// One schema version that a schema's references name, directly or through other references, with every name it is referenced by (JSON
/// Schema <c>$ref</c>s may name one version differently in two schemas).
/// </summary>
internal sealed record ReferencedSchema(SchemaReference First, Schema Schema, List<string> Names)
{
    /// <summary>How errors name this schema: as referenced from <paramref name="what"/>, ready for "..., which is ...".</summary>
    public string Which(string what) => $"{what} references {First.Subject} version {First.Version} ('{First.Name}'), which";
}
