using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using OrleansLog.Schemas;

namespace OrleansLog.Cli.Commands;

/// <summary>
/// <c>orleanslog schemas list|get|register|delete|check|compat|mode</c>: the cluster's schema registry, as Confluent's REST API and
/// its Maven plugin's register and test-compatibility goals offer it.
/// </summary>
internal static class SchemasCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CommandContext context)
    {
        var schemas = new Command(
            "schemas",
            "List, read, register, delete and check schemas in the cluster's schema registry (Confluent-compatible), and get or set compatibility levels and modes.");
        schemas.Subcommands.Add(List(context));
        schemas.Subcommands.Add(Get(context));
        schemas.Subcommands.Add(Register(context));
        schemas.Subcommands.Add(Delete(context));
        schemas.Subcommands.Add(Check(context));
        schemas.Subcommands.Add(SchemaConfigCommands.Compatibility(context));
        schemas.Subcommands.Add(SchemaConfigCommands.Mode(context));
        return schemas;
    }

    /// <summary>The cluster's registry grain.</summary>
    internal static ISchemaRegistryGrain Registry(ClusterConnection connection) =>
        connection.Client.GetGrain<ISchemaRegistryGrain>(ISchemaRegistryGrain.Key);

    private static Command List(CommandContext context)
    {
        var prefix = new Option<string?>("--prefix") { Description = "Only subjects whose names start with this." };
        var deleted = new Option<bool>("--deleted") { Description = "Include soft-deleted subjects and versions." };
        var json = JsonOption("Print a JSON array of {subject, version, id, schemaType, references} instead of a table.");
        var command = new Command(
            "list",
            """
            List subjects with their latest version, its schema id and type, and how many schemas it references.

            Examples:
              orleanslog schemas list
              orleanslog schemas list --prefix orders- --deleted
              orleanslog schemas list --json | jq -r '.[].subject'
            """)
        {
            prefix, deleted, json,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var latest = await Registry(connection).ListSchemasAsync(parse.GetValue(prefix), parse.GetValue(deleted), latestOnly: true).WaitAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                await context.Console.Out.WriteLineAsync(JsonSerializer.Serialize(latest.Select(s => ToJson(s, withText: false)), s_json));
                return ExitCodes.Success;
            }

            var table = new TableView("subject", "version", "id", "type", "references");
            foreach (var schema in latest)
            {
                table.Add(schema.Subject, schema.Version, schema.Id, ConfluentNames.Of(schema.Schema.Type), schema.Schema.References.Count);
            }

            table.Write(context.Console);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Get(CommandContext context)
    {
        var subject = new Argument<string?>("subject") { Description = "The subject; omit it with --id.", Arity = ArgumentArity.ZeroOrOne };
        var version = VersionOption("The version to show: a number or latest (the default).");
        var id = new Option<int?>("--id") { Description = "Show the schema with this global id (and every subject version that holds it) instead of a subject's version." };
        var deleted = new Option<bool>("--deleted") { Description = "Also find soft-deleted versions." };
        var raw = new Option<bool>("--raw") { Description = "Print only the schema text, as stored (no header, no indentation), e.g. to save it to a file." };
        var json = JsonOption("Print Confluent's JSON shape: {subject, version, id, schemaType, references, schema}.");
        var command = new Command(
            "get",
            """
            Show a schema: a header (subject, version, id, type, references) and the schema text, indented. Either a subject's version, or
            with --id the schema with that global id, as a consumer resolves the id at the front of a record.

            Examples:
              orleanslog schemas get orders-value
              orleanslog schemas get orders-value --version 2
              orleanslog schemas get --id 7 --raw > order.avsc
            """)
        {
            subject, version, id, deleted, raw, json,
        };
        context.SetAction(
            command,
            (parse, _) =>
            {
                var name = parse.GetValue(subject);
                var schemaId = parse.GetValue(id);
                var versionText = parse.GetValue(version);
                if ((name is null) == (schemaId is null))
                {
                    throw new CliException("Give a subject or --id N (not both).", ExitCodes.Usage);
                }

                if (schemaId is not null && versionText is not null)
                {
                    throw new CliException("--version goes with a subject; a schema id names one schema already.", ExitCodes.Usage);
                }

                if (parse.GetValue(raw) && parse.GetValue(json))
                {
                    throw new CliException("--raw and --json are two different outputs; give one.", ExitCodes.Usage);
                }

                return Task.FromResult(SchemaInput.ParseVersion(versionText ?? "latest"));
            },
            async (parse, wantedVersion, connection, cancellationToken) =>
            {
                var name = parse.GetValue(subject);
                var schemaId = parse.GetValue(id);
                var registry = Registry(connection);
                Schema schema;
                string header;
                object document;
                if (schemaId is { } wanted)
                {
                    schema = await registry.GetSchemaAsync(wanted).WaitAsync(cancellationToken);
                    var holders = await registry.GetSchemaVersionsAsync(wanted, parse.GetValue(deleted)).WaitAsync(cancellationToken);
                    var subjects = holders.Length == 0 ? "none" : string.Join(", ", holders.Select(h => $"{h.Subject}:{h.Version}"));
                    header = $"Id: {wanted}  Type: {ConfluentNames.Of(schema.Type)}  Subjects: {subjects}  References: {SchemaInput.Describe(schema.References)}";
                    document = new
                    {
                        id = wanted,
                        schemaType = ConfluentNames.Of(schema.Type),
                        subjects = holders.Select(h => new { subject = h.Subject, version = h.Version }),
                        references = References(schema),
                        schema = schema.Text,
                    };
                }
                else
                {
                    var found = await registry.GetVersionAsync(name!, wantedVersion, parse.GetValue(deleted)).WaitAsync(cancellationToken);
                    schema = found.Schema;
                    header = $"Subject: {found.Subject}  Version: {found.Version}  Id: {found.Id}  Type: {ConfluentNames.Of(schema.Type)}  References: {SchemaInput.Describe(schema.References)}";
                    document = ToJson(found, withText: true);
                }

                if (parse.GetValue(raw))
                {
                    await context.Console.Out.WriteLineAsync(schema.Text);
                }
                else if (parse.GetValue(json))
                {
                    await context.Console.Out.WriteLineAsync(JsonSerializer.Serialize(document, s_json));
                }
                else
                {
                    await context.Console.Out.WriteLineAsync(header);
                    await context.Console.Out.WriteLineAsync();
                    await context.Console.Out.WriteLineAsync(SchemaInput.Pretty(schema));
                }

                return ExitCodes.Success;
            });
        return command;
    }

    private static Command Register(CommandContext context)
    {
        var subject = SubjectArgument();
        var input = new SchemaFileOptions();
        var normalize = NormalizeOption();
        var command = new Command(
            "register",
            """
            Register the schema in a file under a subject and print its version and global id. The subject's compatibility level is checked
            first (see 'schemas check'); a schema the subject already holds is not registered again: its existing version and id are printed.
            The type comes from --type, else the file's extension: .avsc AVRO, .json JSON (Schema), .proto PROTOBUF, anything else AVRO.

            Examples:
              orleanslog schemas register orders-value --file order.avsc
              orleanslog schemas register customer-value --file customer.json --reference address.json=address-value:1
              orleanslog schemas register orders-value --file order.proto --type protobuf --normalize
            """)
        {
            subject, input.File, input.Type, input.References, normalize,
        };
        context.SetAction(command, input.ReadAsync, async (parse, schema, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(subject);
            var registry = Registry(connection);
            var registered = await registry.RegisterAsync(name, schema, parse.GetValue(normalize)).WaitAsync(cancellationToken);
            await context.Console.Out.WriteLineAsync($"Registered subject {registered.Subject} version {registered.Version} with id {registered.Id}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete(CommandContext context)
    {
        var subject = SubjectArgument();
        var version = VersionOption("Delete only this version (a number or latest); default the whole subject.");
        var permanent = new Option<bool>("--permanent")
        {
            Description = "Remove for good what was soft-deleted before (Confluent's permanent=true); without it the delete is soft and the ids stay reserved.",
        };
        var command = new Command(
            "delete",
            """
            Delete a subject or one of its versions. The first delete is soft: the versions are hidden (see 'schemas list --deleted') but
            their schema ids keep working for consumers. A second delete with --permanent removes them. A version that another schema
            references cannot be deleted.

            Examples:
              orleanslog schemas delete orders-value
              orleanslog schemas delete orders-value --permanent
              orleanslog schemas delete orders-value --version 3
            """)
        {
            subject, version, permanent,
        };
        context.SetAction(
            command,
            (parse, _) => Task.FromResult(parse.GetValue(version) is { } versionText ? SchemaInput.ParseVersion(versionText) : (int?)null),
            async (parse, only, connection, cancellationToken) =>
            {
                var name = parse.GetRequiredValue(subject);
                var hard = parse.GetValue(permanent);
                var how = hard ? "Permanently deleted" : "Soft-deleted";
                var registry = Registry(connection);
                if (only is { } versionNumber)
                {
                    var deleted = await registry.DeleteVersionAsync(name, versionNumber, hard).WaitAsync(cancellationToken);
                    await context.Console.Out.WriteLineAsync($"{how} version {deleted} of subject {name}.");
                }
                else
                {
                    var deleted = await registry.DeleteSubjectAsync(name, hard).WaitAsync(cancellationToken);
                    await context.Console.Out.WriteLineAsync($"{how} subject {name} (version(s) {string.Join(", ", deleted)}).");
                }

                return ExitCodes.Success;
            });
        return command;
    }

    private static Command Check(CommandContext context)
    {
        var subject = SubjectArgument();
        var input = new SchemaFileOptions();
        var version = VersionOption("Check against this version only (a number or latest); default the versions the subject's compatibility level names.");
        var normalize = NormalizeOption();
        var command = new Command(
            "check",
            """
            Check whether the schema in a file could be registered under a subject: against the versions its compatibility level names
            (the latest, or every one for the *_TRANSITIVE levels), or against one --version. Prints COMPATIBLE, or INCOMPATIBLE and each
            reason. Nothing is registered. A subject with no versions accepts any schema.
            Exit code: 0 compatible, 1 incompatible (or an error such as an unknown subject version), 2 a wrong command line.

            Examples:
              orleanslog schemas check orders-value --file order-v2.avsc
              orleanslog schemas check orders-value --file order-v2.avsc --version 1 || echo "would break readers"
            """)
        {
            subject, input.File, input.Type, input.References, version, normalize,
        };
        context.SetAction(
            command,
            async (parse, cancellationToken) =>
                (Against: parse.GetValue(version) is { } versionText ? SchemaInput.ParseVersion(versionText) : (int?)null, Schema: await input.ReadAsync(parse, cancellationToken)),
            async (parse, read, connection, cancellationToken) =>
            {
                var name = parse.GetRequiredValue(subject);
                var (against, schema) = read;
                var registry = Registry(connection);
                var result = await registry.CheckCompatibilityAsync(name, against, schema, parse.GetValue(normalize)).WaitAsync(cancellationToken);
                var level = await registry.GetCompatibilityAsync(name).WaitAsync(cancellationToken);
                var scope = against is { } v ? $"version {SchemaInput.Version(v)} of subject {name}" : $"subject {name}";
                await context.Console.Out.WriteLineAsync($"{(result.IsCompatible ? "COMPATIBLE" : "INCOMPATIBLE")} with {scope} under {ConfluentNames.Of(level)}.");
                foreach (var message in result.Messages)
                {
                    await context.Console.Out.WriteLineAsync($"  - {message}");
                }

                return result.IsCompatible ? ExitCodes.Success : ExitCodes.Failed;
            });
        return command;
    }

    private static object ToJson(RegisteredSchema schema, bool withText) => withText
        ? new { subject = schema.Subject, version = schema.Version, id = schema.Id, schemaType = ConfluentNames.Of(schema.Schema.Type), references = References(schema.Schema), schema = schema.Schema.Text }
        : new { subject = schema.Subject, version = schema.Version, id = schema.Id, schemaType = ConfluentNames.Of(schema.Schema.Type), references = References(schema.Schema) };

    private static IEnumerable<object> References(Schema schema) =>
        schema.References.Select(r => new { name = r.Name, subject = r.Subject, version = r.Version });

    private static Argument<string> SubjectArgument() => new("subject") { Description = "The subject, by default <topic>-key or <topic>-value." };

    private static Option<string?> VersionOption(string description) => new("--version") { Description = description, HelpName = "N|latest" };

    private static Option<bool> NormalizeOption() =>
        new("--normalize") { Description = "Normalize the schema first (Confluent's normalize=true), so equivalent schemas written differently match." };

    private static Option<bool> JsonOption(string description) => new("--json") { Description = description };

    /// <summary>The options that name a schema file: <c>--file</c>, <c>--type</c> and <c>--reference</c>.</summary>
    private sealed class SchemaFileOptions
    {
        public Option<FileInfo> File { get; } = new("--file", "-f") { Description = "The schema file (.avsc, .json or .proto).", Required = true };

        public Option<string?> Type { get; } = new("--type")
        {
            Description = "The schema type: avro, json or protobuf. Default: from the file's extension (.avsc avro, .json json, .proto protobuf, else avro).",
        };

        public Option<string[]> References { get; } = new("--reference", "-r")
        {
            Description = "A registered schema this one uses, name=subject:version (repeatable); name is the Avro full name, JSON Schema $ref or .proto import.",
            Arity = ArgumentArity.ZeroOrMore,
        };

        public Task<Schema> ReadAsync(ParseResult parse, CancellationToken cancellationToken) =>
            SchemaInput.ReadAsync(parse.GetRequiredValue(File), parse.GetValue(Type), parse.GetValue(References), cancellationToken);
    }
}
