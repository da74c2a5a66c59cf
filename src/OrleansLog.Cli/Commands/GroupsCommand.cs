using System.CommandLine;
using OrleansLog.Client;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog groups list|describe|reset-offsets|delete</c>, as <c>kafka-consumer-groups.sh</c>.</summary>
internal static class GroupsCommand
{
    public static Command Create(CommandContext context)
    {
        var groups = new Command("groups", "List and describe consumer groups with their lag, reset their offsets, delete them (kafka-consumer-groups.sh).");
        groups.Subcommands.Add(List(context));
        groups.Subcommands.Add(Describe(context));
        groups.Subcommands.Add(ResetOffsets(context));
        groups.Subcommands.Add(Delete(context));
        return groups;
    }

    private static Command List(CommandContext context)
    {
        var command = new Command("list", "List consumer groups with their state, member count and protocol (consumer: native and KIP-848 clients; classic: Kafka clients' JoinGroup).\n\nExample:\n  orleanslog groups list");
        context.SetAction(command, async (_, connection, cancellationToken) =>
        {
            var table = new TableView("group", "state", "members", "protocol");
            foreach (var group in (await connection.Log.Admin.ListGroupsAsync(cancellationToken)).OrderBy(g => g.GroupId, StringComparer.Ordinal))
            {
                table.Add(group.GroupId, group.State, group.MemberCount, group.Protocol.ToString().ToLowerInvariant());
            }

            table.Write(context.Console);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Describe(CommandContext context)
    {
        var group = GroupArgument();
        var members = new Option<bool>("--members") { Description = "Also list the members: ids, client ids, hosts, subscriptions and assignments." };
        var command = new Command(
            "describe",
            """
            Describe a consumer group: state, generation and assignor, then per partition the committed (current) offset, the log end offset,
            the lag between them and the member that owns it.

            Examples:
              orleanslog groups describe billing
              orleanslog groups describe billing --members
            """)
        {
            group, members,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var id = parse.GetRequiredValue(group);
            var description = await connection.Log.Admin.DescribeGroupAsync(id, cancellationToken);
            await context.Console.Out.WriteLineAsync(
                $"Group: {description.GroupId}  State: {description.State}  Generation: {description.Generation}  Assignor: {description.Assignor}  Members: {description.Members.Length}  Protocol: {description.Protocol.ToString().ToLowerInvariant()}");
            var lag = await connection.Log.Admin.ListGroupLagAsync(id, cancellationToken);
            var table = new TableView("topic", "partition", "current offset", "log end offset", "lag", "owner", "client id", "host");
            foreach (var p in lag.OrderBy(l => l.Topic, StringComparer.Ordinal).ThenBy(l => l.Partition))
            {
                table.Add(p.Topic, p.Partition, p.CommittedOffset < 0 ? "-" : p.CommittedOffset, p.LogEndOffset, p.Lag, p.MemberId ?? "-", p.ClientId ?? "-", p.Host ?? "-");
            }

            table.Write(context.Console);
            if (parse.GetValue(members))
            {
                var memberTable = new TableView("member", "instance id", "client id", "host", "topics", "partitions");
                foreach (var member in description.Members.OrderBy(m => m.MemberId, StringComparer.Ordinal))
                {
                    memberTable.Add(
                        member.MemberId,
                        member.InstanceId ?? "-",
                        member.ClientId,
                        member.Host,
                        string.Join(',', member.Topics),
                        string.Join(',', member.Assignment.Select(a => $"{a.Topic}-{a.Partition}")));
                }

                await context.Console.Out.WriteLineAsync();
                memberTable.Write(context.Console);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ResetOffsets(CommandContext context)
    {
        var group = GroupArgument();
        var topic = new Option<string>("--topic") { Description = "The topic whose committed offsets move.", Required = true };
        var partitions = new Option<int[]>("--partition", "-p") { Description = "Only these partitions (repeatable); default every partition.", Arity = ArgumentArity.ZeroOrMore };
        var toEarliest = new Option<bool>("--to-earliest") { Description = "To the log start offset." };
        var toLatest = new Option<bool>("--to-latest") { Description = "To the log end offset (skip everything not yet read)." };
        var toOffset = new Option<long?>("--to-offset") { Description = "To this offset (clamped to the log's range)." };
        var toDatetime = new Option<string?>("--to-datetime") { Description = "To the first record at or after this ISO 8601 time (2026-11-24T10:00:00Z) or Unix ms." };
        var shiftBy = new Option<long?>("--shift-by") { Description = "By this many records from the committed offset (negative rewinds)." };
        var execute = new Option<bool>("--execute") { Description = "Apply the reset. Without it the command only shows what would change (--dry-run)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the new offsets without changing anything (the default)." };
        var command = new Command(
            "reset-offsets",
            """
            Move a group's committed offsets. Only while the group has no active members (stop its consumers first). Shows the previous and new
            offset of each partition; changes nothing unless --execute is given.

            Examples:
              orleanslog groups reset-offsets billing --topic orders --to-earliest              (dry run)
              orleanslog groups reset-offsets billing --topic orders --to-earliest --execute
              orleanslog groups reset-offsets billing --topic orders --shift-by -100 --partition 0 --execute
              orleanslog groups reset-offsets billing --topic orders --to-datetime 2026-11-24T10:00:00Z --execute
            """)
        {
            group, topic, partitions, toEarliest, toLatest, toOffset, toDatetime, shiftBy, execute, dryRun,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            var only = parse.GetValue(partitions) is { Length: > 0 } chosen ? chosen : null;
            var specs = new List<OffsetResetSpec>();
            if (parse.GetValue(toEarliest))
            {
                specs.Add(OffsetResetSpec.ToEarliest(name, only));
            }

            if (parse.GetValue(toLatest))
            {
                specs.Add(OffsetResetSpec.ToLatest(name, only));
            }

            if (parse.GetValue(toOffset) is { } offset)
            {
                specs.Add(OffsetResetSpec.ToOffset(name, offset, only));
            }

            if (parse.GetValue(toDatetime) is { } time)
            {
                specs.Add(OffsetResetSpec.ToDatetime(name, DateTimeOffset.FromUnixTimeMilliseconds(ParseTime(time)), only));
            }

            if (parse.GetValue(shiftBy) is { } shift)
            {
                specs.Add(OffsetResetSpec.ShiftBy(name, shift, only));
            }

            if (specs.Count != 1)
            {
                throw new CliException("Give exactly one of --to-earliest, --to-latest, --to-offset N, --to-datetime T, --shift-by N.", ExitCodes.Usage);
            }

            if (parse.GetValue(execute) && parse.GetValue(dryRun))
            {
                throw new CliException("--execute and --dry-run contradict each other; give one.", ExitCodes.Usage);
            }

            var apply = parse.GetValue(execute);
            var results = await connection.Log.Admin.ResetOffsetsAsync(parse.GetRequiredValue(group), specs[0], dryRun: !apply, cancellationToken);
            var table = new TableView("topic", "partition", "previous offset", "new offset");
            foreach (var result in results.OrderBy(r => r.Partition))
            {
                table.Add(result.Topic, result.Partition, result.PreviousOffset < 0 ? "-" : result.PreviousOffset, result.NewOffset);
            }

            table.Write(context.Console);
            await context.Console.Error.WriteLineAsync(apply
                ? $"Reset {results.Count} partition(s)."
                : "Dry run: nothing changed. Add --execute to apply.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete(CommandContext context)
    {
        var group = GroupArgument();
        var command = new Command("delete", "Delete a consumer group and its committed offsets (only while it has no members).\n\nExample:\n  orleanslog groups delete billing") { group };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var id = parse.GetRequiredValue(group);
            await connection.Log.Admin.DeleteGroupAsync(id, cancellationToken);
            await context.Console.Out.WriteLineAsync($"Deleted group {id}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Argument<string> GroupArgument() => new("group") { Description = "The consumer group id." };

    private static long ParseTime(string value)
    {
        var parsed = OffsetsCommand.ParseTime(value);
        return parsed >= 0 ? parsed : throw new CliException($"--to-datetime '{value}' is not a time; use --to-earliest or --to-latest for the ends of the log.", ExitCodes.Usage);
    }
}
