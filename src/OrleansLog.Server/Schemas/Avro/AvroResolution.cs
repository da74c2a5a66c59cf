using System.Globalization;
using System.Runtime.CompilerServices;
using Avro;
using AvroSchema = Avro.Schema;

namespace OrleansLog.Schemas;

/// <summary>
/// Avro's schema-resolution rules (the specification's "Schema Resolution"), deciding whether a reader's schema reads all data written
/// with a writer's schema, and saying where and why not.
/// </summary>
internal sealed class AvroResolution
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _readerAliases;

    // Named pairs being checked: meeting one again means the schemas recurse, and the pair counts as readable while its outer check decides.
    private readonly HashSet<(NamedSchema Reader, NamedSchema Writer)> _inProgress = new(PairComparer.Instance);

    // Named pairs checked, with their problems relative to the pair, so a type used in many places is checked once.
    private readonly Dictionary<(NamedSchema Reader, NamedSchema Writer), List<Problem>> _checked = new(PairComparer.Instance);

    private AvroResolution(IReadOnlyDictionary<string, IReadOnlyList<string>> readerAliases) => _readerAliases = readerAliases;

    /// <summary>
    /// Why <paramref name="reader"/> cannot read all data written with <paramref name="writer"/>, one message per problem, each naming
    /// its place as a path from the reader's top-level type (<c>Order.lines[].sku</c>; <c>[]</c> is an array's items, <c>{}</c> a map's values).
    /// </summary>
    public static IReadOnlyList<string> ReadProblems(AvroParsedSchema reader, AvroParsedSchema writer)
    {
        var problems = new List<Problem>();
        new AvroResolution(reader.Aliases).Check(reader.Root, writer.Root, "", problems);
        string root = reader.Root is NamedSchema named ? named.Name : reader.Root.Tag.ToString().ToLowerInvariant();
        return problems.ConvertAll(problem => $"at '{root}{problem.Path}': {problem.Message}");
    }

    /// <summary>How messages name a type: <c>int</c>, <c>record com.example.Order</c>, <c>array&lt;string&gt;</c>, <c>union [null, string]</c>.</summary>
    public static string Describe(AvroSchema schema) => schema switch
    {
        LogicalSchema logical => $"{Describe(logical.BaseSchema)} ({LogicalName(logical)})",
        RecordSchema record => $"record {record.Fullname}",
        EnumSchema enumeration => $"enum {enumeration.Fullname}",
        FixedSchema fixedSchema => $"fixed {fixedSchema.Fullname}",
        ArraySchema array => $"array<{Describe(array.ItemSchema)}>",
        MapSchema map => $"map<{Describe(map.ValueSchema)}>",
        UnionSchema union => $"union [{string.Join(", ", union.Schemas.Select(Describe))}]",
        _ => schema.Name,
    };

    private void Check(AvroSchema reader, AvroSchema writer, string path, List<Problem> problems)
    {
        if (writer is UnionSchema writerUnion)
        {
            // Data written with a union may hold any branch, so the reader must read every one.
            foreach (AvroSchema branch in writerUnion.Schemas)
            {
                Check(reader, branch, path, problems);
            }

            return;
        }

        if (reader is UnionSchema readerUnion)
        {
            CheckUnionReader(readerUnion, writer, path, problems);
            return;
        }

        if (reader is LogicalSchema { LogicalTypeName: "decimal" } readerDecimal && writer is LogicalSchema { LogicalTypeName: "decimal" } writerDecimal)
        {
            // The bytes of a decimal are its unscaled value, so a reader with another scale would read another number.
            (int readerPrecision, int readerScale) = PrecisionAndScale(readerDecimal);
            (int writerPrecision, int writerScale) = PrecisionAndScale(writerDecimal);
            if (readerPrecision != writerPrecision || readerScale != writerScale)
            {
                problems.Add(new(path, $"reader type decimal({readerPrecision},{readerScale}) cannot read writer type decimal({writerPrecision},{writerScale}): "
                    + "a decimal's precision and scale must not change"));
            }
        }

        // Other logical types are annotations: data resolves by the underlying type.
        AvroSchema readerType = Underlying(reader);
        AvroSchema writerType = Underlying(writer);
        switch (readerType)
        {
            case RecordSchema or EnumSchema or FixedSchema when writerType.Tag == readerType.Tag || IsRecord(readerType) && IsRecord(writerType):
                CheckNamed((NamedSchema)readerType, (NamedSchema)writerType, path, problems);
                return;
            case ArraySchema readerArray when writerType is ArraySchema writerArray:
                Check(readerArray.ItemSchema, writerArray.ItemSchema, path + "[]", problems);
                return;
            case MapSchema readerMap when writerType is MapSchema writerMap:
                Check(readerMap.ValueSchema, writerMap.ValueSchema, path + "{}", problems);
                return;
            case PrimitiveSchema when readerType.Tag == writerType.Tag || IsPromotion(writerType.Tag, readerType.Tag):
                return;
        }

        problems.Add(new(path, $"reader type {Describe(reader)} cannot read writer type {Describe(writer)}"));
    }

    // A writer's value goes to a branch of the reader's union that reads it; if none does, the branch of the same kind says best why.
    private void CheckUnionReader(UnionSchema reader, AvroSchema writer, string path, List<Problem> problems)
    {
        List<Problem>? closest = null;
        foreach (AvroSchema branch in reader.Schemas)
        {
            var trial = new List<Problem>();
            Check(branch, writer, path, trial);
            if (trial.Count == 0)
            {
                return;
            }

            if (closest is null && SameKind(Underlying(branch), Underlying(writer)))
            {
                closest = trial;
            }
        }

        if (closest is not null)
        {
            problems.AddRange(closest);
        }
        else
        {
            problems.Add(new(path, $"no branch of reader type {Describe(reader)} can read writer type {Describe(writer)}"));
        }
    }

    private void CheckNamed(NamedSchema reader, NamedSchema writer, string path, List<Problem> problems)
    {
        var pair = (reader, writer);
        if (!_checked.TryGetValue(pair, out List<Problem>? own))
        {
            if (!_inProgress.Add(pair))
            {
                return;
            }

            own = [];
            if (!NamesMatch(reader, writer))
            {
                own.Add(new("", $"reader type {Describe(reader)} cannot read writer type {Describe(writer)}: the names differ "
                    + $"and {writer.Fullname} is not among the reader's aliases"));
            }
            else
            {
                switch (reader)
                {
                    case RecordSchema record:
                        CheckFields(record, (RecordSchema)writer, own);
                        break;
                    case EnumSchema enumeration:
                        CheckSymbols(enumeration, (EnumSchema)writer, own);
                        break;
                    case FixedSchema fixedSchema when fixedSchema.Size != ((FixedSchema)writer).Size:
                        own.Add(new("", $"reader type {Describe(reader)} of size {fixedSchema.Size} cannot read writer type {Describe(writer)} "
                            + $"of size {((FixedSchema)writer).Size}"));
                        break;
                }
            }

            _inProgress.Remove(pair);
            _checked[pair] = own;
        }

        foreach (Problem problem in own)
        {
            problems.Add(problem with { Path = path + problem.Path });
        }
    }

    // Reader fields take the writer's field of the same name (or of one of their aliases); the writer's other fields are skipped.
    private void CheckFields(RecordSchema reader, RecordSchema writer, List<Problem> problems)
    {
        foreach (Field readerField in reader.Fields)
        {
            string path = "." + readerField.Name;
            Field? writerField = WriterField(writer, readerField);
            if (writerField is not null)
            {
                Check(readerField.Schema, writerField.Schema, path, problems);
            }
            else if (readerField.DefaultValue is null)
            {
                problems.Add(new(path, $"reader field '{readerField.Name}' has no default and writer type {Describe(writer)} has no field "
                    + $"'{readerField.Name}'{(readerField.Aliases is { Count: > 0 } aliases ? $" (nor {string.Join(", ", aliases)})" : "")}"));
            }
        }
    }

    private static void CheckSymbols(EnumSchema reader, EnumSchema writer, List<Problem> problems)
    {
        if (reader.Default is not null)
        {
            return; // Unknown symbols read as the reader's default.
        }

        var unknown = new List<string>();
        foreach (string symbol in writer.Symbols)
        {
            if (!reader.Contains(symbol))
            {
                unknown.Add(symbol);
            }
        }

        if (unknown.Count > 0)
        {
            problems.Add(new("", $"reader type {Describe(reader)} has no symbol {string.Join(", ", unknown)} of writer type {Describe(writer)} "
                + "and no default symbol"));
        }
    }

    private static Field? WriterField(RecordSchema writer, Field readerField)
    {
        if (writer.TryGetField(readerField.Name, out Field field))
        {
            return field;
        }

        if (readerField.Aliases is not null)
        {
            foreach (string alias in readerField.Aliases)
            {
                if (writer.TryGetField(alias, out field))
                {
                    return field;
                }
            }
        }

        return null;
    }

    // Names match unqualified (as Java's SchemaCompatibility does), or the writer's name is one of the reader's aliases.
    private bool NamesMatch(NamedSchema reader, NamedSchema writer)
    {
        if (reader.Name == writer.Name)
        {
            return true;
        }

        if (_readerAliases.TryGetValue(reader.Fullname, out IReadOnlyList<string>? aliases))
        {
            foreach (string alias in aliases)
            {
                if (alias == writer.Fullname)
                {
                    return true;
                }
            }
        }

        return false;
    }

    // The spec's promotions: each writer value converts to the reader's type without loss of meaning.
    private static bool IsPromotion(AvroSchema.Type writer, AvroSchema.Type reader) => (writer, reader) switch
    {
        (AvroSchema.Type.Int, AvroSchema.Type.Long or AvroSchema.Type.Float or AvroSchema.Type.Double) => true,
        (AvroSchema.Type.Long, AvroSchema.Type.Float or AvroSchema.Type.Double) => true,
        (AvroSchema.Type.Float, AvroSchema.Type.Double) => true,
        (AvroSchema.Type.String, AvroSchema.Type.Bytes) or (AvroSchema.Type.Bytes, AvroSchema.Type.String) => true,
        _ => false,
    };

    private static bool SameKind(AvroSchema reader, AvroSchema writer) =>
        reader is NamedSchema readerNamed && writer is NamedSchema writerNamed
            ? readerNamed.Tag == writerNamed.Tag && readerNamed.Name == writerNamed.Name
            : reader.Tag == writer.Tag;

    private static bool IsRecord(AvroSchema schema) => schema.Tag is AvroSchema.Type.Record or AvroSchema.Type.Error;

    private static AvroSchema Underlying(AvroSchema schema) => schema is LogicalSchema logical ? logical.BaseSchema : schema;

    private static string LogicalName(LogicalSchema logical) =>
        logical.LogicalTypeName == "decimal"
            ? $"decimal({PrecisionAndScale(logical).Precision},{PrecisionAndScale(logical).Scale})"
            : logical.LogicalTypeName;

    private static (int Precision, int Scale) PrecisionAndScale(LogicalSchema decimalSchema) =>
        (Number(decimalSchema.GetProperty("precision")), Number(decimalSchema.GetProperty("scale")));

    // Apache.Avro keeps properties as JSON text; a missing scale means 0.
    private static int Number(string? json) =>
        int.TryParse(json, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : 0;

    /// <summary>A problem at a path relative to the check that found it.</summary>
    private readonly record struct Problem(string Path, string Message);

    /// <summary>Compares schema pairs by identity: Apache.Avro shares one object per named type, and its equality recurses.</summary>
    private sealed class PairComparer : IEqualityComparer<(NamedSchema Reader, NamedSchema Writer)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((NamedSchema Reader, NamedSchema Writer) x, (NamedSchema Reader, NamedSchema Writer) y) =>
            ReferenceEquals(x.Reader, y.Reader) && ReferenceEquals(x.Writer, y.Writer);

        public int GetHashCode((NamedSchema Reader, NamedSchema Writer) pair) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(pair.Reader), RuntimeHelpers.GetHashCode(pair.Writer));
    }
}
