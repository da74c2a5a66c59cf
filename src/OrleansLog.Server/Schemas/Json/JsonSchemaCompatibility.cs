using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansLog.Schemas;

/// <summary>
/// Decides whether a reader's JSON Schema accepts every instance a writer's schema accepts, keyword by keyword in the spirit of
/// Confluent's JSON Schema diff (strict mode). Each problem names the JSON path (in the reader's layout) and the rule.
/// </summary>
/// <remarks>
/// Rules checked (reader = the schema that must read, writer = the schema data was written with):
/// <list type="bullet">
/// <item><c>type</c>: the reader must accept every writer type (integer is read by number; adding a type is fine); narrowed or changed is a problem. A writer without <c>type</c> allows every type.</item>
/// <item><c>enum</c>/<c>const</c>: the reader's values must include every writer value; an enum added where the writer had none is a problem.</item>
/// <item>Properties under content models: a property added to the reader is a problem when the writer's model is open (<c>additionalProperties</c> absent or true), unless its schema is empty; fine when the writer is closed (<c>false</c>); checked against the covering schema when the writer is partially open (<c>patternProperties</c> or an <c>additionalProperties</c> schema). A property removed from the reader is fine when the reader is open, a problem when it is closed (unless the writer's property was <c>false</c>), checked against the covering schema when partially open.</item>
/// <item><c>required</c>: a name required by the reader but not the writer is a problem unless the reader's property has a <c>default</c> (Confluent's rule); removing one is fine.</item>
/// <item><c>additionalProperties</c>: closing it (true to false) or narrowing it to a schema is a problem; schemas on both sides are compared.</item>
/// <item><c>patternProperties</c> and <c>dependencies</c>/<c>dependentRequired</c>/<c>dependentSchemas</c>: added or extended in the reader is a problem; shared ones are compared.</item>
/// <item>Bounds: <c>maxLength</c>, <c>maxItems</c>, <c>maxProperties</c>, <c>maximum</c>, <c>exclusiveMaximum</c> added or decreased; their <c>min</c> counterparts added or increased; <c>pattern</c> added or changed; <c>multipleOf</c> added or changed to a value that does not divide the writer's; <c>uniqueItems</c> added: each a problem. Relaxing any of them is fine.</item>
/// <item>Arrays: <c>items</c> (one schema or a tuple, with <c>additionalItems</c>; or <c>prefixItems</c> with <c>items</c>) compared position by position, an open writer position against a constrained reader position is a problem; <c>contains</c> added is a problem.</item>
/// <item>Combinations: a reader <c>anyOf</c>/<c>oneOf</c> must have an alternative for the writer (or for each writer alternative; fewer alternatives is a problem, more is fine, anyOf changed to oneOf is a problem); each reader <c>allOf</c> part must read the writer; a writer <c>allOf</c> is read when the reader reads one of its parts or its other keywords; a reader <c>not</c> must exclude no more than the writer's.</item>
/// <item>Nested schemas (properties, items, additionalProperties, definitions reached through <c>$ref</c>, also across referenced documents) are compared recursively; recursive schemas stop at a pair already being compared.</item>
/// </list>
/// Not compared: <c>if</c>/<c>then</c>/<c>else</c>, <c>propertyNames</c>, <c>unevaluated*</c>, <c>min/maxContains</c>, <c>format</c> (an annotation) and keywords beside a <c>$ref</c> (draft 7 ignores them).
/// </remarks>
internal sealed class JsonSchemaCompatibility
{
    private static readonly JsonNode s_true = JsonValue.Create(true);

    private readonly JsonSchemaResolver _reader;
    private readonly JsonSchemaResolver _writer;
    private readonly HashSet<(JsonNode, Skip, JsonNode, Skip)> _comparing = new(PairComparer.Instance);
    private List<string> _problems = [];

    private JsonSchemaCompatibility(JsonSchemaResolver reader, JsonSchemaResolver writer)
    {
        _reader = reader;
        _writer = writer;
    }

    /// <summary>Which combination keywords of a side were already taken apart and must be ignored when comparing the rest.</summary>
    [Flags]
    private enum Skip
    {
        None = 0,
        AllOf = 1,
        Alternatives = 2,
        Not = 4,
    }

    /// <summary>Why <paramref name="reader"/> cannot read every instance valid under <paramref name="writer"/>; empty when it can.</summary>
    public static IReadOnlyList<string> ReadProblems(JsonSchemaResolver reader, JsonSchemaResolver writer)
    {
        var check = new JsonSchemaCompatibility(reader, writer);
        check.Compare(new Side(reader.Main.Root, reader.Main, Skip.None), new Side(writer.Main.Root, writer.Main, Skip.None), "#");
        return check._problems.Distinct(StringComparer.Ordinal).ToList();
    }

    private void Compare(Side reader, Side writer, string path)
    {
        if (Dereference(reader, _reader) is not { } r || Dereference(writer, _writer) is not { } w)
        {
            return; // Parsing resolved every $ref, so this is a loop of references that holds no schema.
        }

        // A pair already being compared higher up is assumed compatible: recursive schemas are then compared once per level.
        var key = (r.Node, r.Skipped, w.Node, w.Skipped);
        if (!_comparing.Add(key))
        {
            return;
        }

        try
        {
            CompareSchemas(r, w, path);
        }
        finally
        {
            _comparing.Remove(key);
        }
    }

    private void CompareSchemas(Side r, Side w, string path)
    {
        if (IsFalse(w.Node) || IsUnconstrained(r))
        {
            return;
        }

        if (IsFalse(r.Node))
        {
            Add(path, "the reader's schema is false (accepts nothing) where the writer's accepts values");
            return;
        }

        if (CompareCombinations(ref r, ref w, path))
        {
            return;
        }

        if (IsUnconstrained(r))
        {
            return;
        }

        // A writer of 'true' is compared as the empty schema, so each reader keyword is reported as added.
        var ro = (JsonObject)r.Node;
        var wo = w.Node as JsonObject ?? [];
        if (w.Node is not JsonObject)
        {
            w = w with { Node = wo };
        }

        var writerKinds = CompareTypes(ro, wo, path);
        CompareValues(ro, wo, path);
        if (writerKinds.Contains("string"))
        {
            CompareUpperBound(ro, wo, "maxLength", path);
            CompareLowerBound(ro, wo, "minLength", path);
            ComparePattern(ro, wo, path);
        }

        if (writerKinds.Contains("number") || writerKinds.Contains("integer"))
        {
            CompareNumbers(ro, wo, path);
        }

        if (writerKinds.Contains("object"))
        {
            CompareObjects(r, w, path);
        }

        if (writerKinds.Contains("array"))
        {
            CompareArrays(r, w, path);
        }
    }

    // Takes apart allOf/anyOf/oneOf/not; true when the comparison is complete, else the sides come back with those keywords skipped.
    private bool CompareCombinations(ref Side r, ref Side w, string path)
    {
        var readerAlternatives = Alternatives(r, out var readerKeyword);
        var writerAlternatives = Alternatives(w, out var writerKeyword);
        if (writerAlternatives is not null && readerAlternatives is null)
        {
            var writerRest = w.With(Skip.Alternatives);
            if (IsUnconstrained(writerRest))
            {
                // Every writer instance matches one alternative, so the reader must read each of them.
                for (var i = 0; i < writerAlternatives.Count; i++)
                {
                    Compare(r, writerAlternatives[i], path);
                }

                return true;
            }

            // The writer's other keywords already bound its instances; its alternatives only narrow them further.
            w = writerRest;
        }

        if (readerAlternatives is not null)
        {
            if (writerAlternatives is not null)
            {
                if (readerKeyword == "oneOf" && writerKeyword == "anyOf")
                {
                    Add(path, "combined type changed from anyOf to oneOf (an instance matching two alternatives fails oneOf)");
                }

                for (var i = 0; i < writerAlternatives.Count; i++)
                {
                    var alternative = writerAlternatives[i];
                    if (!readerAlternatives.Any(candidate => Problems(candidate, alternative, path).Count == 0))
                    {
                        Add($"{path}/{readerKeyword}", $"no alternative of the reader accepts the writer's {writerKeyword}/{i} (alternatives narrowed)");
                    }
                }

                w = w.With(Skip.Alternatives);
            }
            else
            {
                var writer = w;
                if (!readerAlternatives.Any(candidate => Problems(candidate, writer, path).Count == 0))
                {
                    Add($"{path}/{readerKeyword}", $"none of the reader's {readerKeyword} alternatives accepts the writer's schema");
                }
            }

            r = r.With(Skip.Alternatives);
        }

        if (Array(r, "allOf", Skip.AllOf) is { } readerParts)
        {
            // An instance must satisfy every part of the reader's allOf.
            for (var i = 0; i < readerParts.Count; i++)
            {
                Compare(readerParts[i], w, $"{path}/allOf/{i}");
            }

            r = r.With(Skip.AllOf);
        }

        if (Schema(r, "not", Skip.Not) is { } readerNot)
        {
            // The reader rejects instances of its 'not'; the writer must already reject them all, so its 'not' must read the reader's.
            if (Schema(w, "not", Skip.Not) is { } writerNot)
            {
                Compare(writerNot, readerNot, $"{path}/not");
            }
            else
            {
                Add($"{path}/not", "the reader added a 'not' constraint the writer did not have");
            }

            r = r.With(Skip.Not);
        }

        w = w.With(Skip.Not);
        if (Array(w, "allOf", Skip.AllOf) is { } writerParts && !IsUnconstrained(r))
        {
            // Every writer instance satisfies each part, so it is enough that the reader reads one part or the rest of the writer.
            var candidates = writerParts.Prepend(w.With(Skip.AllOf)).ToList();
            var reader = r;
            var attempts = candidates.Select(candidate => Problems(reader, candidate, path)).ToList();
            if (attempts.All(problems => problems.Count > 0))
            {
                foreach (var problem in attempts.MinBy(problems => problems.Count)!)
                {
                    _problems.Add(problem);
                }
            }

            return true;
        }

        return false;
    }

    private HashSet<string> CompareTypes(JsonObject r, JsonObject w, string path)
    {
        var readerTypes = Types(r);
        var writerValues = Values(w);
        if (writerValues is not null)
        {
            // The writer can only produce its enum/const values, so their kinds decide the types it writes.
            var kinds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var value in writerValues)
            {
                var kind = KindOf(value);
                kinds.Add(kind);
                if (readerTypes is not null && !Accepts(readerTypes, kind))
                {
                    Add($"{path}/type", $"the writer's value {Json(value)} is {kind}, the reader's type is {Names(readerTypes)}");
                }
            }

            return kinds;
        }

        var writerTypes = Types(w);
        if (readerTypes is not null)
        {
            if (writerTypes is null)
            {
                Add($"{path}/type", $"type narrowed from any type to {Names(readerTypes)}");
            }
            else if (!writerTypes.All(type => Accepts(readerTypes, type)))
            {
                // number to integer narrows: the writer's whole numbers are still read.
                var overlaps = writerTypes.Any(type => Accepts(readerTypes, type)) || (writerTypes.Contains("number") && readerTypes.Contains("integer"));
                var change = overlaps ? "narrowed" : "changed";
                Add($"{path}/type", $"type {change} from {Names(writerTypes)} to {Names(readerTypes)}");
            }
        }

        return writerTypes is null ? [.. JsonSchemaKeywords.TypeNames] : [.. writerTypes.Where(type => readerTypes is null || Accepts(readerTypes, type))];
    }

    private void CompareValues(JsonObject r, JsonObject w, string path)
    {
        var readerValues = Values(r);
        if (readerValues is null)
        {
            return;
        }

        var keyword = r.ContainsKey("enum") ? "enum" : "const";
        var writerValues = Values(w);
        if (writerValues is null)
        {
            Add($"{path}/{keyword}", $"{keyword} added: the reader accepts only {string.Join(", ", readerValues.Select(Json))}");
            return;
        }

        var missing = writerValues.Where(value => !readerValues.Any(allowed => JsonNode.DeepEquals(allowed, value))).ToList();
        if (missing.Count > 0)
        {
            Add($"{path}/{keyword}", $"enum narrowed: the reader does not accept {string.Join(", ", missing.Select(Json))}");
        }
    }

    private void CompareNumbers(JsonObject r, JsonObject w, string path)
    {
        CompareUpperBound(r, w, "maximum", path);
        CompareLowerBound(r, w, "minimum", path);
        CompareExclusive(r, w, "exclusiveMaximum", path, upper: true);
        CompareExclusive(r, w, "exclusiveMinimum", path, upper: false);
        if (JsonSchemaKeywords.Number(r["multipleOf"]) is { } readerStep)
        {
            var writerStep = JsonSchemaKeywords.Number(w["multipleOf"]);
            if (writerStep is null)
            {
                Add($"{path}/multipleOf", $"multipleOf {Format(readerStep)} added");
            }
            else if (!IsMultiple(writerStep.Value, readerStep))
            {
                Add($"{path}/multipleOf", $"multipleOf changed from {Format(writerStep.Value)} to {Format(readerStep)}, which does not divide it");
            }
        }
    }

    private void CompareExclusive(JsonObject r, JsonObject w, string keyword, string path, bool upper)
    {
        if (r[keyword]?.GetValueKind() == JsonValueKind.True)
        {
            // Draft 4: a boolean that makes maximum/minimum exclusive.
            if (w[keyword]?.GetValueKind() != JsonValueKind.True)
            {
                Add($"{path}/{keyword}", $"{keyword} added");
            }

            return;
        }

        if (upper)
        {
            CompareUpperBound(r, w, keyword, path);
        }
        else
        {
            CompareLowerBound(r, w, keyword, path);
        }
    }

    private void CompareObjects(Side r, Side w, string path)
    {
        var ro = (JsonObject)r.Node;
        var wo = (JsonObject)w.Node;
        var readerProperties = ro["properties"] as JsonObject;
        var writerProperties = wo["properties"] as JsonObject;

        foreach (var (name, readerProperty) in readerProperties ?? [])
        {
            var at = $"{path}/properties/{JsonSchemaKeywords.Escape(name)}";
            var readerSide = new Side(readerProperty!, r.Document, Skip.None);
            if (writerProperties?[name] is { } writerProperty)
            {
                Compare(readerSide, new Side(writerProperty, w.Document, Skip.None), at);
                continue;
            }

            // Added: data written before may still carry this name, with whatever the writer allowed for unknown properties.
            var cover = Cover(w, name);
            if (cover is null)
            {
                if (!IsUnconstrained(readerSide))
                {
                    Add(at, "property added to an open content model (the writer allows additional properties, so its data may hold this name with any value; close the writer with additionalProperties: false first)");
                }
            }
            else if (!IsFalse(cover.Value.Node))
            {
                Compare(readerSide, cover.Value, at);
            }
        }

        foreach (var (name, writerProperty) in writerProperties ?? [])
        {
            if (readerProperties?.ContainsKey(name) == true || IsFalse(writerProperty))
            {
                continue;
            }

            // Removed: the reader sees the writer's property as one of its additional properties.
            var at = $"{path}/properties/{JsonSchemaKeywords.Escape(name)}";
            var cover = Cover(r, name);
            if (cover is { } readerCover)
            {
                if (IsFalse(readerCover.Node))
                {
                    Add(at, "property removed from a closed content model (the reader's additionalProperties is false, so the writer's data with this property is rejected)");
                }
                else
                {
                    Compare(readerCover, new Side(writerProperty!, w.Document, Skip.None), at);
                }
            }
        }

        ComparePatternProperties(r, w, path);
        CompareAdditionalProperties(r, w, path);
        CompareRequired(ro, wo, path);
        CompareUpperBound(ro, wo, "maxProperties", path);
        CompareLowerBound(ro, wo, "minProperties", path);
        CompareDependencies(r, w, path);
    }

    private void ComparePatternProperties(Side r, Side w, string path)
    {
        var readerPatterns = ((JsonObject)r.Node)["patternProperties"] as JsonObject;
        var writerPatterns = ((JsonObject)w.Node)["patternProperties"] as JsonObject;
        foreach (var (pattern, readerSchema) in readerPatterns ?? [])
        {
            var at = $"{path}/patternProperties/{JsonSchemaKeywords.Escape(pattern)}";
            var readerSide = new Side(readerSchema!, r.Document, Skip.None);
            if (writerPatterns?[pattern] is { } writerSchema)
            {
                Compare(readerSide, new Side(writerSchema, w.Document, Skip.None), at);
            }
            else if (AdditionalProperties(w) is { } writerAdditional)
            {
                Compare(readerSide, writerAdditional, at);
            }
            else if (!IsUnconstrained(readerSide))
            {
                Add(at, "patternProperties added while the writer allows additional properties of any value");
            }
        }

        foreach (var (pattern, writerSchema) in writerPatterns ?? [])
        {
            if (readerPatterns?.ContainsKey(pattern) == true || IsFalse(writerSchema))
            {
                continue;
            }

            if (AdditionalProperties(r) is { } readerAdditional)
            {
                var at = $"{path}/patternProperties/{JsonSchemaKeywords.Escape(pattern)}";
                if (IsFalse(readerAdditional.Node))
                {
                    Add(at, "patternProperties removed from a closed content model (the reader rejects the properties it allowed)");
                }
                else
                {
                    Compare(readerAdditional, new Side(writerSchema!, w.Document, Skip.None), at);
                }
            }
        }
    }

    private void CompareAdditionalProperties(Side r, Side w, string path)
    {
        if (AdditionalProperties(r) is not { } reader)
        {
            return;
        }

        var at = $"{path}/additionalProperties";
        var writer = AdditionalProperties(w);
        if (writer is { } closed && IsFalse(closed.Node))
        {
            return;
        }

        if (IsFalse(reader.Node))
        {
            Add(at, "additionalProperties removed (the reader is closed with additionalProperties: false, the writer allows additional properties)");
        }
        else if (writer is null)
        {
            Add(at, "additionalProperties narrowed (the reader constrains additional properties, the writer allows any)");
        }
        else
        {
            Compare(reader, writer.Value, at);
        }
    }

    private void CompareRequired(JsonObject r, JsonObject w, string path)
    {
        var writerRequired = Strings(w["required"]);
        var readerProperties = r["properties"] as JsonObject;
        var writerProperties = w["properties"] as JsonObject;
        foreach (var name in Strings(r["required"]))
        {
            // Confluent accepts a newly required property that has a default.
            if (writerRequired.Contains(name) || (readerProperties?[name] is JsonObject property && property.ContainsKey("default")))
            {
                continue;
            }

            Add($"{path}/required", writerProperties?.ContainsKey(name) == true
                ? $"property '{name}' became required (the writer's data may lack it)"
                : $"required property '{name}' added (the writer's data lacks it)");
        }
    }

    private void CompareDependencies(Side r, Side w, string path)
    {
        var ro = (JsonObject)r.Node;
        var wo = (JsonObject)w.Node;
        foreach (var keyword in (string[])["dependencies", "dependentRequired", "dependentSchemas"])
        {
            foreach (var (name, readerDependency) in ro[keyword] as JsonObject ?? [])
            {
                var at = $"{path}/{keyword}/{JsonSchemaKeywords.Escape(name)}";
                var writerDependency = (wo[keyword] as JsonObject)?[name];
                if (readerDependency is JsonArray readerNames)
                {
                    var writerNames = Strings(writerDependency);
                    var extra = Strings(readerNames).Where(required => !writerNames.Contains(required)).ToList();
                    if (extra.Count > 0)
                    {
                        Add(at, writerDependency is JsonArray
                            ? $"dependency extended: '{name}' now also requires {string.Join(", ", extra.Select(e => $"'{e}'"))}"
                            : $"dependency added: '{name}' requires {string.Join(", ", extra.Select(e => $"'{e}'"))}");
                    }
                }
                else if (writerDependency is not null and not JsonArray)
                {
                    Compare(new Side(readerDependency!, r.Document, Skip.None), new Side(writerDependency, w.Document, Skip.None), at);
                }
                else if (!IsUnconstrained(new Side(readerDependency!, r.Document, Skip.None)))
                {
                    Add(at, $"dependency schema added for '{name}'");
                }
            }
        }
    }

    private void CompareArrays(Side r, Side w, string path)
    {
        var ro = (JsonObject)r.Node;
        var wo = (JsonObject)w.Node;
        var (readerTuple, readerRest, readerRestKeyword) = Items(r);
        var (writerTuple, writerRest, _) = Items(w);
        var positions = Math.Max(readerTuple?.Count ?? 0, writerTuple?.Count ?? 0);
        for (var i = 0; i < positions; i++)
        {
            var writerItem = writerTuple is not null && i < writerTuple.Count ? writerTuple[i] : writerRest;
            var readerItem = readerTuple is not null && i < readerTuple.Count ? readerTuple[i] : readerRest;
            var at = readerTuple is not null && i < readerTuple.Count ? $"{path}/{TupleKeyword(ro)}/{i}" : $"{path}/{readerRestKeyword}";
            Compare(readerItem, writerItem, at);
        }

        if (!IsFalse(writerRest.Node))
        {
            Compare(readerRest, writerRest, $"{path}/{readerRestKeyword}");
        }

        CompareUpperBound(ro, wo, "maxItems", path);
        CompareLowerBound(ro, wo, "minItems", path);
        if (ro["uniqueItems"]?.GetValueKind() == JsonValueKind.True && wo["uniqueItems"]?.GetValueKind() != JsonValueKind.True)
        {
            Add($"{path}/uniqueItems", "uniqueItems added (the writer's arrays may repeat items)");
        }

        if (ro["contains"] is { } readerContains)
        {
            if (wo["contains"] is { } writerContains)
            {
                Compare(new Side(readerContains, r.Document, Skip.None), new Side(writerContains, w.Document, Skip.None), $"{path}/contains");
            }
            else if (!IsUnconstrained(new Side(readerContains, r.Document, Skip.None)))
            {
                Add($"{path}/contains", "contains added (the writer's arrays need not hold such an item)");
            }
        }
    }

    private void CompareUpperBound(JsonObject r, JsonObject w, string keyword, string path)
    {
        if (JsonSchemaKeywords.Number(r[keyword]) is not { } reader)
        {
            return;
        }

        if (JsonSchemaKeywords.Number(w[keyword]) is not { } writer)
        {
            Add($"{path}/{keyword}", $"{keyword} {Format(reader)} added");
        }
        else if (reader < writer)
        {
            Add($"{path}/{keyword}", $"{keyword} decreased from {Format(writer)} to {Format(reader)}");
        }
    }

    private void CompareLowerBound(JsonObject r, JsonObject w, string keyword, string path)
    {
        if (JsonSchemaKeywords.Number(r[keyword]) is not { } reader)
        {
            return;
        }

        if (JsonSchemaKeywords.Number(w[keyword]) is not { } writer)
        {
            Add($"{path}/{keyword}", $"{keyword} {Format(reader)} added");
        }
        else if (reader > writer)
        {
            Add($"{path}/{keyword}", $"{keyword} increased from {Format(writer)} to {Format(reader)}");
        }
    }

    private void ComparePattern(JsonObject r, JsonObject w, string path)
    {
        if (JsonSchemaKeywords.String(r["pattern"]) is not { } reader)
        {
            return;
        }

        var writer = JsonSchemaKeywords.String(w["pattern"]);
        if (writer is null)
        {
            Add($"{path}/pattern", $"pattern '{reader}' added");
        }
        else if (writer != reader)
        {
            Add($"{path}/pattern", $"pattern changed from '{writer}' to '{reader}'");
        }
    }

    private List<string> Problems(Side reader, Side writer, string path)
    {
        var outer = _problems;
        _problems = [];
        try
        {
            Compare(reader, writer, path);
            return _problems;
        }
        finally
        {
            _problems = outer;
        }
    }

    private void Add(string path, string rule) => _problems.Add($"{path}: {rule}");

    private static Side? Dereference(Side side, JsonSchemaResolver resolver) =>
        resolver.Dereference(side.Node, side.Document) is { } target
            ? new Side(target.Node, target.Document, ReferenceEquals(target.Node, side.Node) ? side.Skipped : Skip.None)
            : null;

    // The schema that governs property 'name' when the side does not declare it: a matching patternProperties entry, else
    // additionalProperties. Null stands for the open model (any value).
    private static Side? Cover(Side side, string name)
    {
        if (((JsonObject)side.Node)["patternProperties"] is JsonObject patterns)
        {
            foreach (var (pattern, schema) in patterns)
            {
                if (Matches(pattern, name))
                {
                    return new Side(schema!, side.Document, Skip.None);
                }
            }
        }

        return AdditionalProperties(side);
    }

    // The side's additionalProperties schema, or null when it is absent or true (the open content model).
    private static Side? AdditionalProperties(Side side)
    {
        var node = ((JsonObject)side.Node)["additionalProperties"];
        if (node is null || node.GetValueKind() == JsonValueKind.True)
        {
            return null;
        }

        var additional = new Side(node, side.Document, Skip.None);
        return IsUnconstrained(additional) ? null : additional;
    }

    // The tuple positions (null: no tuple), the schema for every other position (true when absent), and its keyword.
    private static (List<Side>? Tuple, Side Others, string OthersKeyword) Items(Side side)
    {
        var obj = (JsonObject)side.Node;
        Side Of(JsonNode? node) => new(node ?? s_true, side.Document, Skip.None);
        if (obj["prefixItems"] is JsonArray prefix)
        {
            return ([.. prefix.Select(Of)], Of(obj["items"]), "items");
        }

        if (obj["items"] is JsonArray tuple)
        {
            return ([.. tuple.Select(Of)], Of(obj["additionalItems"]), "additionalItems");
        }

        return (null, Of(obj["items"]), "items");
    }

    private static string TupleKeyword(JsonObject obj) => obj.ContainsKey("prefixItems") ? "prefixItems" : "items";

    private static List<Side>? Alternatives(Side side, out string keyword)
    {
        keyword = Array(side, "anyOf", Skip.Alternatives) is not null ? "anyOf" : "oneOf";
        return Array(side, keyword, Skip.Alternatives);
    }

    private static List<Side>? Array(Side side, string keyword, Skip skip) =>
        (side.Skipped & skip) == 0 && side.Node is JsonObject obj && obj[keyword] is JsonArray array
            ? [.. array.Select(node => new Side(node!, side.Document, Skip.None))]
            : null;

    private static Side? Schema(Side side, string keyword, Skip skip) =>
        (side.Skipped & skip) == 0 && side.Node is JsonObject obj && obj[keyword] is { } node ? new Side(node, side.Document, Skip.None) : null;

    private static bool IsFalse(JsonNode? node) => node?.GetValueKind() == JsonValueKind.False;

    // True, or an object whose keywords only annotate (or were already taken apart).
    private static bool IsUnconstrained(Side side) =>
        side.Node.GetValueKind() == JsonValueKind.True
        || (side.Node is JsonObject obj && obj.All(member => !JsonSchemaKeywords.Constraints.Contains(member.Key) || IsSkipped(member.Key, side.Skipped)));

    private static bool IsSkipped(string keyword, Skip skipped) => keyword switch
    {
        "allOf" => (skipped & Skip.AllOf) != 0,
        "anyOf" or "oneOf" => (skipped & Skip.Alternatives) != 0,
        "not" => (skipped & Skip.Not) != 0,
        _ => false,
    };

    private static HashSet<string>? Types(JsonObject obj) => obj["type"] switch
    {
        JsonArray names => [.. names.Select(name => JsonSchemaKeywords.String(name)!)],
        { } name when JsonSchemaKeywords.String(name) is { } single => [single],
        _ => null,
    };

    private static List<JsonNode?>? Values(JsonObject obj) =>
        obj["enum"] is JsonArray values ? [.. values] : obj.TryGetPropertyValue("const", out var constant) ? [constant] : null;

    private static HashSet<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(JsonSchemaKeywords.String).OfType<string>()] : [];

    private static bool Accepts(HashSet<string> readerTypes, string type) =>
        readerTypes.Contains(type) || (type == "integer" && readerTypes.Contains("number"));

    private static string KindOf(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        _ => JsonSchemaKeywords.Number(value) is { } number && Math.Floor(number) == number ? "integer" : "number",
    };

    private static bool Matches(string pattern, string name)
    {
        try
        {
            return JsonSchemaKeywords.TryCompile(pattern)?.IsMatch(name) == true;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static bool IsMultiple(double value, double step)
    {
        try
        {
            // Decimal arithmetic, so 0.3 is a multiple of 0.1.
            return (decimal)value % (decimal)step == 0;
        }
        catch (OverflowException)
        {
            return Math.Abs(Math.IEEERemainder(value, step)) < 1e-9;
        }
    }

    private static string Names(HashSet<string> types) =>
        types.Count == 1 ? types.First() : $"[{string.Join(", ", types.Order(StringComparer.Ordinal))}]";

    private static string Json(JsonNode? node) => node?.ToJsonString() ?? "null";

    private static string Format(double number) => number.ToString(CultureInfo.InvariantCulture);

    /// <summary>One side of a comparison: a schema node, the document its <c>$ref</c>s resolve in, and the keywords already taken apart.</summary>
    private readonly record struct Side(JsonNode Node, JsonSchemaDocument Document, Skip Skipped)
    {
        public Side With(Skip skip) => this with { Skipped = Skipped | skip };
    }

    /// <summary>Compares pairs of schema nodes by identity: the same JSON object reached twice is the same schema position.</summary>
    private sealed class PairComparer : IEqualityComparer<(JsonNode, Skip, JsonNode, Skip)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((JsonNode, Skip, JsonNode, Skip) x, (JsonNode, Skip, JsonNode, Skip) y) =>
            ReferenceEquals(x.Item1, y.Item1) && x.Item2 == y.Item2 && ReferenceEquals(x.Item3, y.Item3) && x.Item4 == y.Item4;

        public int GetHashCode((JsonNode, Skip, JsonNode, Skip) pair) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Item1), pair.Item2,
                System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Item3), pair.Item4);
    }
}
