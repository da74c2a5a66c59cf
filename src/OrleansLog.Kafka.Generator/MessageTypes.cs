using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using static OrleansLog.Kafka.Generator.FieldCode;

namespace OrleansLog.Kafka.Generator;

/// <summary>What the emitters need to know of one message: the C# type of a field, and the checks that depend on the message's versions.</summary>
internal sealed class MessageTypes(MessageSpec message)
{
    private readonly MessageSpec _message = message;

    /// <summary>The versions of the message that use the flexible encoding.</summary>
    public VersionRange FlexibleVersions => _message.FlexibleVersions;

    /// <summary>The C# type of the field's property.</summary>
    public string PropertyType(FieldSpec field) => CsType(field.Type, field.IsNullableType);

    /// <summary>The C# type of a Kafka field type.</summary>
    public string CsType(FieldType type, bool nullable)
    {
        string q = nullable ? "?" : string.Empty;
        return type.Kind switch
        {
            FieldKind.Bool => "bool",
            FieldKind.Int8 => "sbyte",
            FieldKind.Int16 => "short",
            FieldKind.UInt16 => "ushort",
            FieldKind.Int32 => "int",
            FieldKind.UInt32 => "uint",
            FieldKind.Int64 => "long",
            FieldKind.Float64 => "double",
            FieldKind.Uuid => "global::System.Guid",
            FieldKind.String => "string" + q,
            FieldKind.Bytes => "byte[]" + q,
            FieldKind.Records => "global::System.ReadOnlyMemory<byte>?",
            FieldKind.Array => $"global::System.Collections.Generic.List<{CsType(type.Element!, nullable: false)}>" + q,
            FieldKind.Struct => StructType(type.StructName!) + q,
            _ => throw new InvalidOperationException("unknown kind " + type.Kind),
        };
    }

    /// <summary>The full name of a structure's generated class.</summary>
    public string StructType(string structName)
    {
        StructSpec spec = _message.FindStruct(structName) ?? throw new InvalidOperationException("unknown struct " + structName);
        return $"{Namespace}.{_message.Name}.{spec.ClassName}";
    }

    /// <summary>A C# condition on <c>version</c> that holds when the field uses the compact (flexible) encoding.</summary>
    public string CompactCondition(FieldSpec field, VersionRange within, bool tagged)
    {
        if (field.FlexibleVersions is VersionRange own)
        {
            return own.Condition("version", within);
        }

        return tagged ? "true" : _message.FlexibleVersions.Condition("version", within);
    }

    /// <summary>Writes the check that throws for a version the message does not have.</summary>
    public void EmitVersionCheck(CodeWriter w)
    {
        w.Line("if (version < LowestSupportedVersion || version > HighestSupportedVersion)");
        w.Indent().Line($"throw {ProtocolException}.UnsupportedVersion(\"{_message.Name}\", version);").Outdent();
    }
}
