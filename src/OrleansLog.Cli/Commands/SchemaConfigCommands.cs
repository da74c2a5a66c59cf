using System.CommandLine;
using OrleansLog.Schemas;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog schemas compat get|set|delete</c> and <c>schemas mode get|set</c>: the registry's and each subject's configuration.</summary>
internal static class SchemaConfigCommands
{
    private const string Levels =
        """
        Levels (Confluent's names, any case):
          NONE                 no check
          BACKWARD             the new schema reads data written with the latest version (the default)
          BACKWARD_TRANSITIVE  the new schema reads data written with every earlier version
          FORWARD              the latest version reads data written with the new schema
          FORWARD_TRANSITIVE   every earlier version reads data written with the new schema
          FULL                 backward and forward against the latest version
          FULL_TRANSITIVE      backward and forward against every earlier version
        """;

    private const string Modes =
        """
        Modes (any case):
          READWRITE  registrations and deletes are accepted (the default)
          READONLY   only reads are served
          IMPORT     registrations keep their own ids and versions, to copy another registry; no compatibility check
        """;

    public static Command Compatibility(CommandContext context)
    {
        var compat = new Command("compat", "Get, set or delete the compatibility level of the registry or of one subject.");
        compat.Subcommands.Add(GetCompatibility(context));
        compat.Subcommands.Add(SetCompatibility(context));
        compat.Subcommands.Add(DeleteCompatibility(context));
        return compat;
    }

    public static Command Mode(CommandContext context)
    {
        var mode = new Command("mode", "Get or set the mode (READWRITE, READONLY, IMPORT) of the registry or of one subject.");
        mode.Subcommands.Add(GetMode(context));
        mode.Subcommands.Add(SetMode(context));
        return mode;
    }

    private static Command GetCompatibility(CommandContext context)
    {
        var subject = OptionalSubject();
        var command = new Command(
            "get",
            $"""
            Print the compatibility level of a subject, or of the registry when no subject is given. A subject without a level of its own
            follows the registry's: that level is printed and stderr says so.

            {Levels}

            Examples:
              orleanslog schemas compat get
              orleanslog schemas compat get orders-value
            """)
        {
            subject,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var registry = SchemasCommand.Registry(connection);
            var name = parse.GetValue(subject);
            CompatibilityLevel level;
            try
            {
                level = await registry.GetCompatibilityAsync(name, defaultToGlobal: name is null).WaitAsync(cancellationToken);
            }
            catch (SchemaRegistryException e) when (e.RegistryErrorCode == SchemaRegistryException.Codes.SubjectCompatibilityNotConfigured)
            {
                level = await registry.GetCompatibilityAsync().WaitAsync(cancellationToken);
                await context.Console.Error.WriteLineAsync($"Subject {name} has no level of its own; it follows the registry's.");
            }

            await context.Console.Out.WriteLineAsync(ConfluentNames.Of(level));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command SetCompatibility(CommandContext context)
    {
        var target = SubjectAndValue("level");
        var command = new Command(
            "set",
            $"""
            Set the compatibility level of a subject, or of the registry (every subject without a level of its own) when only a level is given.

            {Levels}

            Examples:
              orleanslog schemas compat set FULL_TRANSITIVE
              orleanslog schemas compat set orders-value backward
            """)
        {
            target,
        };
        context.SetAction(
            command,
            (parse, _) =>
            {
                var (subject, value) = Split(parse.GetRequiredValue(target));
                return Task.FromResult((Subject: subject, Level: Parse(ConfluentNames.ParseCompatibility, value)));
            },
            async (parse, read, connection, cancellationToken) =>
            {
                var (subject, level) = read;
                await SchemasCommand.Registry(connection).SetCompatibilityAsync(subject, level).WaitAsync(cancellationToken);
                await context.Console.Out.WriteLineAsync($"Compatibility of {Scope(subject)} is {ConfluentNames.Of(level)}.");
                return ExitCodes.Success;
            });
        return command;
    }

    private static Command DeleteCompatibility(CommandContext context)
    {
        var subject = new Argument<string>("subject") { Description = "The subject whose own level is removed." };
        var command = new Command(
            "delete",
            "Remove a subject's own compatibility level, so it follows the registry's again; prints the level it had.\n\nExample:\n  orleanslog schemas compat delete orders-value")
        {
            subject,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(subject);
            var had = await SchemasCommand.Registry(connection).DeleteCompatibilityAsync(name).WaitAsync(cancellationToken);
            await context.Console.Out.WriteLineAsync($"Subject {name} no longer has a level of its own (it had {ConfluentNames.Of(had)}); it follows the registry's.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command GetMode(CommandContext context)
    {
        var subject = OptionalSubject();
        var command = new Command(
            "get",
            $"""
            Print the mode of a subject (its own, else the registry's), or of the registry when no subject is given.

            {Modes}

            Examples:
              orleanslog schemas mode get
              orleanslog schemas mode get orders-value
            """)
        {
            subject,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var mode = await SchemasCommand.Registry(connection).GetModeAsync(parse.GetValue(subject)).WaitAsync(cancellationToken);
            await context.Console.Out.WriteLineAsync(ConfluentNames.Of(mode));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command SetMode(CommandContext context)
    {
        var target = SubjectAndValue("mode");
        var force = new Option<bool>("--force") { Description = "Allow IMPORT while the registry or subject already holds schemas." };
        var command = new Command(
            "set",
            $"""
            Set the mode of a subject, or of the registry when only a mode is given.

            {Modes}

            Examples:
              orleanslog schemas mode set READONLY
              orleanslog schemas mode set orders-value import --force
            """)
        {
            target, force,
        };
        context.SetAction(
            command,
            (parse, _) =>
            {
                var (subject, value) = Split(parse.GetRequiredValue(target));
                return Task.FromResult((Subject: subject, Mode: Parse(ConfluentNames.ParseMode, value)));
            },
            async (parse, read, connection, cancellationToken) =>
            {
                var (subject, mode) = read;
                await SchemasCommand.Registry(connection).SetModeAsync(subject, mode, parse.GetValue(force)).WaitAsync(cancellationToken);
                await context.Console.Out.WriteLineAsync($"Mode of {Scope(subject)} is {ConfluentNames.Of(mode)}.");
                return ExitCodes.Success;
            });
        return command;
    }

    private static Argument<string?> OptionalSubject() =>
        new("subject") { Description = "The subject; the registry's own setting when omitted.", Arity = ArgumentArity.ZeroOrOne };

    // One argument of one or two words rather than an optional subject before a required value: the parser fills arguments in order,
    // so 'set BACKWARD' would otherwise take BACKWARD for the subject.
    private static Argument<string[]> SubjectAndValue(string value) => new($"[subject] {value}")
    {
        Description = $"The {value}, after the subject it applies to; the registry's own {value} when no subject is given.",
        Arity = new ArgumentArity(1, 2),
    };

    private static (string? Subject, string Value) Split(string[] words) => words.Length == 2 ? (words[0], words[1]) : (null, words[0]);

    // An unknown name is a wrong command line (exit 2), still told with the registry's message and code.
    private static T Parse<T>(Func<string?, T> parse, string value)
    {
        try
        {
            return parse(value);
        }
        catch (SchemaRegistryException e)
        {
            throw new CliException(CommandContext.Describe(e), ExitCodes.Usage);
        }
    }

    private static string Scope(string? subject) => subject is null ? "the registry" : $"subject {subject}";
}
