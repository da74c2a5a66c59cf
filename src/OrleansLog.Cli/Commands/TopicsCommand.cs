using System.CommandLine;
using OrleansLog.Errors;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog topics create|list|describe|alter|delete</c>, as <c>kafka-topics.sh</c>.</summary>
internal static class TopicsCommand
{
    public static Command Create(CommandContext context)
    {
        var topics = new Command("topics", "Create, list, describe, alter and delete topics (kafka-topics.sh).");
        topics.Subcommands.Add(CreateTopic(context));
        topics.Subcommands.Add(List(context));
        topics.Subcommands.Add(Describe(context));
        topics.Subcommands.Add(Alter(context));
        topics.Subcommands.Add(Delete(context));
        return topics;
    }

    private static Command CreateTopic(CommandContext context)
    {
        var topic = TopicArgument();
        var partitions = new Option<int>("--partitions", "-p") { Description = "Number of partitions.", DefaultValueFactory = _ => 1 };
        var config = ConfigOption("A topic config override key=value (repeatable), e.g. retention.ms=86400000.");
        var ifNotExists = new Option<bool>("--if-not-exists") { Description = "Succeed quietly when the topic already exists." };
        var command = new Command("create", "Create a topic.\n\nExample:\n  orleanslog topics create orders --partitions 6 --config retention.ms=86400000 --config cleanup.policy=delete")
        {
            topic, partitions, config, ifNotExists,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            try
            {
                var created = await connection.Log.Admin.CreateTopicAsync(name, parse.GetValue(partitions), ParseConfigs(parse.GetValue(config)), cancellationToken);
                await context.Console.Out.WriteLineAsync($"Created topic {created.Name} with {created.PartitionCount} partition(s).");
            }
            catch (TopicAlreadyExistsException) when (parse.GetValue(ifNotExists))
            {
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CommandContext context)
    {
        var command = new Command("list", "List topic names, one per line.\n\nExample:\n  orleanslog topics list");
        context.SetAction(command, async (_, connection, cancellationToken) =>
        {
            foreach (var name in (await connection.Log.Admin.ListTopicsAsync(cancellationToken)).Order(StringComparer.Ordinal))
            {
                await context.Console.Out.WriteLineAsync(name);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Describe(CommandContext context)
    {
        var topic = new Argument<string?>("topic") { Description = "The topic; all topics when omitted.", Arity = ArgumentArity.ZeroOrOne };
        var allConfigs = new Option<bool>("--all-configs") { Description = "Show every effective config, not just the overrides." };
        var command = new Command(
            "describe",
            "Describe topics: id, partitions with start and end offsets, segment counts, bytes, leader epoch and host, and configs.\n" +
            "Idle partitions are not activated: they show their stored offsets and host 'idle'. Compacted topics (cleanup.policy compact)\n" +
            "also show each partition's dirty ratio (the share of sealed bytes not compacted yet) and when compaction last finished.\n\n" +
            "Example:\n  orleanslog topics describe orders --all-configs")
        {
            topic, allConfigs,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var admin = connection.Log.Admin;
            var names = parse.GetValue(topic) is { } one ? [one] : (await admin.ListTopicsAsync(cancellationToken)).Order(StringComparer.Ordinal).ToList();
            foreach (var name in names)
            {
                var description = await admin.DescribeTopicAsync(name, cancellationToken);
                var partitions = await admin.DescribePartitionsAsync(name, cancellationToken);
                var configs = parse.GetValue(allConfigs) ? description.Config.ToDictionary() : description.ConfigOverrides;
                var output = context.Console.Out;
                await output.WriteLineAsync(
                    $"Topic: {description.Name}  TopicId: {description.TopicId}  PartitionCount: {description.PartitionCount}  " +
                    $"Created: {description.CreatedAt:u}  Configs: {string.Join(',', configs.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"))}");
                var compacted = description.Config.Compacts;
                var table = compacted
                    ? new TableView("partition", "start offset", "end offset", "records", "segments", "bytes", "leader epoch", "host", "dirty ratio", "last compaction")
                    : new TableView("partition", "start offset", "end offset", "records", "segments", "bytes", "leader epoch", "host");
                foreach (var p in partitions)
                {
                    object?[] cells = [p.Partition, p.LogStartOffset, p.HighWatermark, p.HighWatermark - p.LogStartOffset, p.SegmentCount, p.SizeBytes, p.LeaderEpoch, p.Host ?? IdleHost];
                    table.Add(compacted
                        ? [.. cells, p.DirtyRatio is { } ratio ? ratio.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "-", p.LastCompaction is { } last ? last.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "never"]
                        : cells);
                }

                table.Write(context.Console);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Alter(CommandContext context)
    {
        var topic = TopicArgument();
        var config = ConfigOption("Set a config key=value (repeatable).");
        var deleteConfig = new Option<string[]>("--delete-config") { Description = "Reset a config key to its default (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var partitions = new Option<int?>("--partitions", "-p") { Description = "Grow the topic to this many partitions (partitions are never removed)." };
        var command = new Command(
            "alter",
            "Change a topic's configs or grow its partitions.\n\nExamples:\n  orleanslog topics alter orders --config retention.ms=3600000 --delete-config segment.bytes\n  orleanslog topics alter orders --partitions 12")
        {
            topic, config, deleteConfig, partitions,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, value) in ParseConfigs(parse.GetValue(config)))
            {
                changes[key] = value;
            }

            foreach (var key in parse.GetValue(deleteConfig) ?? [])
            {
                changes[key] = null;
            }

            var grow = parse.GetValue(partitions);
            if (changes.Count == 0 && grow is null)
            {
                throw new CliException("Nothing to alter: give --config key=value, --delete-config key or --partitions N.", ExitCodes.Usage);
            }

            if (changes.Count > 0)
            {
                await connection.Log.Admin.AlterTopicConfigAsync(name, changes, cancellationToken);
                await context.Console.Out.WriteLineAsync($"Updated {changes.Count} config(s) of topic {name}.");
            }

            if (grow is { } count)
            {
                var grown = await connection.Log.Admin.CreatePartitionsAsync(name, count, cancellationToken);
                await context.Console.Out.WriteLineAsync($"Topic {name} has {grown.PartitionCount} partition(s).");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete(CommandContext context)
    {
        var topic = TopicArgument();
        var ifExists = new Option<bool>("--if-exists") { Description = "Succeed quietly when the topic does not exist." };
        var command = new Command("delete", "Delete a topic and its data.\n\nExample:\n  orleanslog topics delete orders") { topic, ifExists };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            try
            {
                await connection.Log.Admin.DeleteTopicAsync(name, cancellationToken);
                await context.Console.Out.WriteLineAsync($"Deleted topic {name}.");
            }
            catch (UnknownTopicException) when (parse.GetValue(ifExists))
            {
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>What <c>topics describe</c> shows as the host of a partition no activation hosts (described from storage).</summary>
    internal const string IdleHost = "idle";

    /// <summary>Returns <paramref name="partition"/> when <paramref name="topic"/> has it; otherwise a clear error naming the range.</summary>
    internal static int CheckPartition(Topics.TopicDescription topic, int partition) =>
        partition >= 0 && partition < topic.PartitionCount
            ? partition
            : throw new CliException($"Topic '{topic.Name}' has partitions 0 to {topic.PartitionCount - 1}; --partition {partition} does not exist.");

    internal static Argument<string> TopicArgument() => new("topic") { Description = "The topic name." };

    private static Option<string[]> ConfigOption(string description) =>
        new("--config", "-c") { Description = description, Arity = ArgumentArity.ZeroOrMore };

    private static Dictionary<string, string> ParseConfigs(string[]? pairs)
    {
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException($"Config '{pair}' is not key=value (for example retention.ms=86400000).", ExitCodes.Usage);
            }

            configs[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }

        return configs;
    }
}
