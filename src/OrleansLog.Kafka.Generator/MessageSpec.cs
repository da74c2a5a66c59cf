using System.Collections.Generic;

namespace OrleansLog.Kafka.Generator;

/// <summary>What a message definition declares itself to be.</summary>
internal enum MessageKind
{
    Request,
    Response,
    Header,
}

/// <summary>The kinds of field Kafka's definitions use.</summary>
internal enum FieldKind
{
    Bool,
    Int8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    Float64,
    String,
    Uuid,
    Bytes,
    Records,
    Struct,
    Array,
}

/// <summary>A field's type: a primitive, a struct, or an array of either.</summary>
internal sealed class FieldType
{
    public FieldType(FieldKind kind, FieldType? element = null, string? structName = null)
    {
        Kind = kind;
        Element = element;
        StructName = structName;
    }

    public FieldKind Kind { get; }

    /// <summary>The element type of an array.</summary>
    public FieldType? Element { get; }

    /// <summary>The JSON name of a struct type.</summary>
    public string? StructName { get; }

    public bool IsArray => Kind == FieldKind.Array;

    public bool IsStruct => Kind == FieldKind.Struct;

    /// <summary>Strings, bytes, records and arrays carry a length prefix that flexible versions write compactly.</summary>
    public bool IsVariableLength => Kind is FieldKind.String or FieldKind.Bytes or FieldKind.Records or FieldKind.Array;
}

/// <summary>One field of a message or struct.</summary>
internal sealed class FieldSpec
{
    public FieldSpec(string name, FieldType type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }

    public FieldType Type { get; }

    public VersionRange Versions { get; set; }

    public VersionRange NullableVersions { get; set; } = VersionRange.None;

    public VersionRange TaggedVersions { get; set; } = VersionRange.None;

    public int? Tag { get; set; }

    /// <summary>A per-field override of the message's flexible versions (Kafka allows it on strings and bytes).</summary>
    public VersionRange? FlexibleVersions { get; set; }

    public bool Ignorable { get; set; }

    /// <summary>The JSON "default" as written, or null when absent.</summary>
    public string? Default { get; set; }

    public string? About { get; set; }

    /// <summary>Whether the C# property may hold null: nullable in some version, or null by default.</summary>
    public bool IsNullableType => !NullableVersions.IsEmpty || Default == "null";
}

/// <summary>A struct: a nested class of the message that defines it.</summary>
internal sealed class StructSpec
{
    public StructSpec(string name, VersionRange versions, List<FieldSpec> fields, string? about)
    {
        Name = name;
        ClassName = name;
        Versions = versions;
        Fields = fields;
        About = about;
    }

    /// <summary>The name the JSON gives the struct type.</summary>
    public string Name { get; }

    /// <summary>The C# class name: the JSON name unless that collides with a member of the enclosing class.</summary>
    public string ClassName { get; set; }

    public VersionRange Versions { get; }

    public List<FieldSpec> Fields { get; }

    public string? About { get; }
}

/// <summary>One message definition file.</summary>
internal sealed class MessageSpec
{
    public MessageSpec(string name, MessageKind kind, short? apiKey, VersionRange validVersions, VersionRange flexibleVersions, List<FieldSpec> fields)
    {
        Name = name;
        Kind = kind;
        ApiKey = apiKey;
        ValidVersions = validVersions;
        FlexibleVersions = flexibleVersions;
        Fields = fields;
    }

    public string Name { get; }

    public MessageKind Kind { get; }

    public short? ApiKey { get; }

    public VersionRange ValidVersions { get; }

    public VersionRange FlexibleVersions { get; }

    public bool LatestVersionUnstable { get; set; }

    public List<FieldSpec> Fields { get; }

    /// <summary>Every struct the message defines, inline or common, in order of definition.</summary>
    public List<StructSpec> Structs { get; } = new();

    /// <summary>The API's name: the message name without "Request" or "Response".</summary>
    public string ApiName => Kind switch
    {
        MessageKind.Request => Name.Substring(0, Name.Length - "Request".Length),
        MessageKind.Response => Name.Substring(0, Name.Length - "Response".Length),
        _ => Name,
    };

    public StructSpec? FindStruct(string name)
    {
        foreach (StructSpec spec in Structs)
        {
            if (spec.Name == name)
            {
                return spec;
            }
        }

        return null;
    }
}
