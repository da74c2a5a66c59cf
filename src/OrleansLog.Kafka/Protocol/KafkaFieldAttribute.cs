namespace OrleansLog.Kafka.Protocol;

/// <summary>
/// The versions a generated property exists in, as Kafka's definition gives them ("0+", "3-7", "none").
/// Read by tests that fill every field of every version; the codec itself does not use it.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
internal sealed class KafkaFieldAttribute(string versions) : Attribute
{
    /// <summary>The versions the field exists in.</summary>
    public string Versions { get; } = versions;

    /// <summary>The versions in which the field may be null.</summary>
    public string NullableVersions { get; set; } = "none";

    /// <summary>The versions in which the field is a tagged field.</summary>
    public string TaggedVersions { get; set; } = "none";

    /// <summary>The field's tag, or -1 when it is never tagged.</summary>
    public int Tag { get; set; } = -1;

    /// <summary>True when a non-default value may be dropped in a version without the field.</summary>
    public bool Ignorable { get; set; }

    /// <summary>True when the field exists in <paramref name="version"/>.</summary>
    public bool ExistsIn(short version) => Contains(Versions, version);

    /// <summary>True when the field may be null in <paramref name="version"/>.</summary>
    public bool IsNullableIn(short version) => Contains(NullableVersions, version);

    /// <summary>True when the field is written as a tagged field in <paramref name="version"/>.</summary>
    public bool IsTaggedIn(short version) => Contains(TaggedVersions, version);

    private static bool Contains(string range, short version)
    {
        if (range == "none")
        {
            return false;
        }

        if (range.EndsWith('+'))
        {
            return version >= short.Parse(range.AsSpan(0, range.Length - 1));
        }

        int dash = range.IndexOf('-');
        return dash < 0
            ? version == short.Parse(range)
            : version >= short.Parse(range.AsSpan(0, dash)) && version <= short.Parse(range.AsSpan(dash + 1));
    }
}
