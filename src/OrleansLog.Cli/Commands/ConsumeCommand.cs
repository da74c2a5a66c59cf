using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OrleansLog.Client;
using OrleansLog.Partitions;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog consume &lt;topic&gt;</c>: prints records as they arrive, as <c>kafka-console-consumer.sh</c>.</summary>
internal static class ConsumeCommand
{
    public static Command Create(CommandContext context)
    {
        var topic = TopicsCommand.TopicArgument();
        var group = new Option<string?>("--group", "-G")
        {
            Description = "Consume as a member of this consumer group: partitions are shared with its other members, and the offsets printed are committed.",
        };
        var fromBeginning = new Option<bool>("--from-beginning")
        {
            Description = "Start at the earliest offset (default: only new records). With --group, only where the group has no committed offset.",
        };
        var partition = new Option<int?>("--partition", "-p") { Description = "Read only this partition." };
        var offset = new Option<string?>("--offset") { Description = "Start offset in --partition: earliest, latest, or a number from the log start to the log end offset (outside that range: an error, exit 1)." };
        var maxMessages = new Option<long?>("--max-messages", "-n") { Description = "Stop after this many records." };
        var timeout = new Option<int?>("--timeout") { Description = "Stop after this many milliseconds without a record (default: run until Ctrl+C)." };
        var printKey = new Option<bool>("--print-key") { Description = "Print each record's key before its value." };
        var printHeaders = new Option<bool>("--print-headers") { Description = "Print each record's headers (k:v,k:v or NO_HEADERS)." };
        var printOffset = new Option<bool>("--print-offset") { Description = "Print each record's partition and offset." };
        var printTimestamp = new Option<bool>("--print-timestamp") { Description = "Print each record's timestamp type and Unix-ms timestamp." };
        var separator = new Option<string>("--separator") { Description = "What separates printed fields (default a tab).", DefaultValueFactory = _ => "\t" };
        var format = new Option<string>("--format") { Description = "text (fields chosen by --print-*) or json (one JSON object per line, every field).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command(
            "consume",
            """
            Print records from a topic (kafka-console-consumer.sh), one per line, until --max-messages, --timeout or Ctrl+C. The count of records
            processed goes to stderr at the end. With --group the consumer joins the group, starts at its committed offsets, and on the way
            out commits what it printed and leaves the group.

            Examples:
              orleanslog consume orders --from-beginning --max-messages 10
              orleanslog consume orders --group billing --from-beginning
              orleanslog consume orders --partition 2 --offset 1500 --print-offset --print-key
              orleanslog consume orders --from-beginning --timeout 5000 --format json | jq .value
            """)
        {
            topic, group, fromBeginning, partition, offset, maxMessages, timeout, printKey, printHeaders, printOffset, printTimestamp, separator, format,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            var description = await connection.Log.Admin.DescribeTopicAsync(name, cancellationToken);
            var start = parse.GetValue(fromBeginning) ? Offset.Beginning : Offset.End;
            if (parse.GetValue(offset) is { } requested)
            {
                if (parse.GetValue(partition) is null)
                {
                    throw new CliException("--offset needs --partition: an offset belongs to one partition.", ExitCodes.Usage);
                }

                start = requested.ToLowerInvariant() switch
                {
                    "earliest" => Offset.Beginning,
                    "latest" => Offset.End,
                    _ when long.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out var exact) => exact,
                    _ => throw new CliException($"--offset '{requested}' is not a non-negative number, earliest or latest.", ExitCodes.Usage),
                };
            }

            var partitions = parse.GetValue(partition) is { } only
                ? [TopicsCommand.CheckPartition(description, only)]
                : Enumerable.Range(0, description.PartitionCount).ToArray();
            if (start >= 0)
            {
                // An exact offset outside the log would be reset (to earliest or latest) without a word; say so and stop instead.
                await CheckOffsetInRangeAsync(connection, new TopicPartition(name, partitions[0]), start, cancellationToken);
            }

            var printer = new RecordPrinter(
                context.Console.Out,
                parse.GetValue(format) == "json",
                parse.GetValue(printKey),
                parse.GetValue(printHeaders),
                parse.GetValue(printOffset),
                parse.GetValue(printTimestamp),
                parse.GetValue(separator) ?? "\t");
            var limit = parse.GetValue(maxMessages) ?? long.MaxValue;
            var idle = parse.GetValue(timeout) is { } ms ? TimeSpan.FromMilliseconds(ms) : Timeout.InfiniteTimeSpan;
            long count = 0;
            var groupId = parse.GetValue(group);
            if (groupId is not null && (parse.GetValue(partition) is not null || parse.GetValue(offset) is not null))
            {
                throw new CliException("--group shares the topic's partitions among the group's members; it cannot be combined with --partition or --offset.", ExitCodes.Usage);
            }

            var options = new ConsumerOptions
            {
                GroupId = groupId,
                ClientId = "orleanslog-console-consumer",
                // An exact offset that retention deletes while we read fails loudly rather than resetting.
                AutoOffsetReset = start >= 0 ? AutoOffsetReset.None : parse.GetValue(fromBeginning) ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
            };
            await using (var consumer = connection.Log.CreateConsumer<string?, string?>(options))
            {
                if (groupId is null)
                {
                    consumer.Assign(partitions.Select(p => new TopicPartitionOffset(name, p, start)));
                }
                else
                {
                    consumer.Subscribe([name]);
                }

                try
                {
                    while (count < limit)
                    {
                        var record = await consumer.ConsumeAsync(idle, cancellationToken);
                        if (record is null)
                        {
                            break;
                        }

                        printer.Print(record);
                        count++;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl+C is how a console consumer is meant to stop.
                }

                if (groupId is not null)
                {
                    // Everything printed is committed before leaving, so the next member starts after it.
                    await consumer.CommitAsync(CancellationToken.None);
                    await consumer.CloseAsync();
                }
            }

            await context.Console.Out.FlushAsync(CancellationToken.None);
            await context.Console.Error.WriteLineAsync($"Processed a total of {count} messages");
            return ExitCodes.Success;
        });
        return command;
    }

    // Valid start positions are Kafka's: from the log start offset to the log end offset (the next offset to be written).
    private static async Task CheckOffsetInRangeAsync(ClusterConnection connection, TopicPartition partition, long offset, CancellationToken cancellationToken)
    {
        var logStart = (await connection.Log.Admin.ListOffsetAsync(partition, OffsetSpec.Earliest, cancellationToken)).Offset;
        var logEnd = (await connection.Log.Admin.ListOffsetAsync(partition, OffsetSpec.Latest, cancellationToken)).Offset;
        if (offset < logStart || offset > logEnd)
        {
            throw new CliException(
                $"--offset {offset} is {(offset < logStart ? "before the start" : "beyond the end")} of {partition.Topic} partition {partition.Partition}: " +
                $"its log start offset is {logStart} and its log end offset (the next to be written) is {logEnd}; " +
                $"give an offset from {logStart} to {logEnd}, or --offset earliest or latest.");
        }
    }
}

/// <summary>Writes consumed records as text fields or JSON lines.</summary>
internal sealed class RecordPrinter(TextWriter output, bool json, bool key, bool headers, bool offset, bool timestamp, string separator)
{
    private readonly StringBuilder _line = new();
    private readonly MemoryStream _buffer = new();

    public void Print(ConsumeResult<string?, string?> record)
    {
        if (json)
        {
            PrintJson(record);
            return;
        }

        _line.Clear();
        if (timestamp)
        {
            _line.Append(record.TimestampType).Append(':').Append(record.Message.Timestamp?.ToString(CultureInfo.InvariantCulture) ?? "-1").Append(separator);
        }

        if (offset)
        {
            _line.Append("Partition:").Append(record.Partition).Append(separator).Append("Offset:").Append(record.Offset).Append(separator);
        }

        if (headers)
        {
            var list = record.Message.Headers;
            _line.Append(list is { Count: > 0 } ? string.Join(',', list.Select(h => $"{h.Key}:{(h.Value is null ? "null" : Encoding.UTF8.GetString(h.Value))}")) : "NO_HEADERS").Append(separator);
        }

        if (key)
        {
            _line.Append(record.Message.Key ?? "null").Append(separator);
        }

        _line.Append(record.Message.Value ?? "null");
        output.WriteLine(_line);
    }

    private void PrintJson(ConsumeResult<string?, string?> record)
    {
        _buffer.SetLength(0);
        using (var writer = new Utf8JsonWriter(_buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("topic", record.Topic);
            writer.WriteNumber("partition", record.Partition);
            writer.WriteNumber("offset", record.Offset);
            writer.WriteNumber("timestamp", record.Message.Timestamp ?? -1);
            writer.WriteString("timestampType", record.TimestampType.ToString());
            writer.WriteString("key", record.Message.Key);
            writer.WriteStartObject("headers");
            foreach (var header in record.Message.Headers ?? [])
            {
                writer.WriteString(header.Key, header.Value is null ? null : Encoding.UTF8.GetString(header.Value));
            }

            writer.WriteEndObject();
            writer.WriteString("value", record.Message.Value);
            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length));
    }
}
