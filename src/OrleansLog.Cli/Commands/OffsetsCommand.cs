using System.CommandLine;
using System.Globalization;
using OrleansLog.Client;
using OrleansLog.Partitions;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog offsets &lt;topic&gt;</c>: offsets per partition by time, as Kafka's <c>GetOffsetShell</c>.</summary>
internal static class OffsetsCommand
{
    public static Command Create(CommandContext context)
    {
        var topic = TopicsCommand.TopicArgument();
        var time = new Option<string>("--time", "-t")
        {
            Description = "earliest, latest, a Unix timestamp in ms, or an ISO 8601 time (2026-11-24T10:00:00Z): the first offset at or after it.",
            DefaultValueFactory = _ => "latest",
        };
        var partition = new Option<int[]>("--partition", "-p") { Description = "Only these partitions (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command(
            "offsets",
            """
            Print topic:partition:offset for each partition (GetOffsetShell). For a time, the offset is the first record at or after it,
            or -1 when every record is older. Earliest and latest offsets of idle partitions come from storage without activating them.

            Examples:
              orleanslog offsets orders                       (log end offsets)
              orleanslog offsets orders --time earliest
              orleanslog offsets orders --time 2026-11-24T10:00:00Z --partition 0
            """)
        {
            topic, time, partition,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            var timestamp = ParseTime(parse.GetValue(time) ?? "latest");
            var chosen = parse.GetValue(partition) is { Length: > 0 } some ? some.Distinct().ToArray() : null;
            foreach (var found in await connection.Log.Admin.ListOffsetsAsync(name, timestamp, chosen, cancellationToken))
            {
                await context.Console.Out.WriteLineAsync($"{name}:{found.TopicPartition.Partition}:{found.Offset}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>earliest, latest, Unix ms, or an ISO 8601 time as a ListOffsets timestamp.</summary>
    internal static long ParseTime(string value) => value.ToLowerInvariant() switch
    {
        "earliest" or "-2" => OffsetSpec.Earliest,
        "latest" or "-1" => OffsetSpec.Latest,
        _ when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) => ms,
        _ when DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at.ToUnixTimeMilliseconds(),
        _ => throw new CliException($"Time '{value}' is not earliest, latest, a Unix timestamp in ms, or an ISO 8601 time.", ExitCodes.Usage),
    };
}
