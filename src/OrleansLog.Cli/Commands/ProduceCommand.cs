using System.CommandLine;
using System.Text;
using OrleansLog.Client;
using OrleansLog.Records;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog produce &lt;topic&gt;</c>: one record per input line, as <c>kafka-console-producer.sh</c>.</summary>
internal static class ProduceCommand
{
    // How many records may be in flight before reading waits for the oldest to be acknowledged (the producer's own
    // buffer.memory bounds bytes; this bounds the tasks the command keeps to report results in input order).
    private const int MaxOutstanding = 20_000;

    public static Command Create(CommandContext context)
    {
        var topic = TopicsCommand.TopicArgument();
        var file = new Option<FileInfo?>("--file", "-f") { Description = "Read lines from this file instead of stdin." };
        var keySeparator = new Option<string?>("--key-separator", "-k")
        {
            Description = "Each line is key<separator>value (split at the first separator); without it lines are values with no key.",
        };
        var header = new Option<string[]>("--header", "-H") { Description = "A header key=value put on every record (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var partition = new Option<int?>("--partition", "-p") { Description = "Write every record to this partition instead of choosing by key." };
        var producerOptions = new ProducerSettingsOptions();
        var command = new Command(
            "produce",
            """
            Write each input line as a record (kafka-console-producer.sh). Reads stdin (or --file) as a stream, so large inputs never load whole.
            Prints nothing on success unless --verbose (then topic-partition@offset per record); exits non-zero with a message when a record
            cannot be delivered.

            Examples:
              seq 1 1000 | orleanslog produce orders
              orleanslog produce orders --key-separator '|' --header source=cli --acks all < orders.txt
            """)
        {
            topic, file, keySeparator, header, partition,
        };
        producerOptions.AddTo(command);
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            var separator = parse.GetValue(keySeparator);
            if (separator is { Length: 0 })
            {
                throw new CliException("--key-separator must not be empty.", ExitCodes.Usage);
            }

            var headers = ParseHeaders(parse.GetValue(header));
            var target = parse.GetValue(partition);
            var verbose = parse.GetValue(context.Globals.Verbose);
            var options = producerOptions.Read(parse);

            // Unknown topics fail here, before any input is read.
            var described = await connection.Log.Admin.DescribeTopicAsync(name, cancellationToken);
            if (target is { } p)
            {
                TopicsCommand.CheckPartition(described, p);
            }

            using var reader = parse.GetValue(file) is { } path
                ? new StreamReader(path.Exists ? path.FullName : throw new CliException($"The file '{path.FullName}' does not exist.", ExitCodes.Usage), Encoding.UTF8)
                : null;
            var input = reader ?? context.Console.In;
            var pending = new Queue<(long Line, Task<DeliveryResult> Delivery)>();
            long lineNumber = 0, delivered = 0;
            string? failure = null;
            await using (var producer = connection.Log.CreateProducer<string?, string>(options))
            {
                while (failure is null && await input.ReadLineAsync(cancellationToken) is { } line)
                {
                    lineNumber++;
                    string? key = null;
                    var value = line;
                    if (separator is not null)
                    {
                        var at = line.IndexOf(separator, StringComparison.Ordinal);
                        if (at < 0)
                        {
                            failure = $"Line {lineNumber} has no key separator '{separator}'; it and the lines after it were not sent.";
                            break;
                        }

                        key = line[..at];
                        value = line[(at + separator.Length)..];
                    }

                    var message = new Message<string?, string> { Key = key, Value = value, Headers = headers };
                    pending.Enqueue((lineNumber, target is { } fixedPartition
                        ? producer.ProduceAsync(new TopicPartition(name, fixedPartition), message, cancellationToken)
                        : producer.ProduceAsync(name, message, cancellationToken)));
                    while (failure is null && pending.Count > 0 && (pending.Count >= MaxOutstanding || pending.Peek().Delivery.IsCompleted))
                    {
                        failure = await CompleteOldestAsync(pending, context.Console, verbose);
                        delivered += failure is null ? 1 : 0;
                    }
                }

                await producer.FlushAsync(cancellationToken);
            }

            while (pending.Count > 0)
            {
                var error = await CompleteOldestAsync(pending, context.Console, verbose);
                failure ??= error;
                delivered += error is null ? 1 : 0;
            }

            if (failure is not null)
            {
                throw new CliException($"{failure} {delivered} record(s) were delivered.");
            }

            if (verbose)
            {
                await context.Console.Error.WriteLineAsync($"Delivered {delivered} record(s) to {name}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<string?> CompleteOldestAsync(Queue<(long Line, Task<DeliveryResult> Delivery)> pending, CliConsole console, bool verbose)
    {
        var (line, delivery) = pending.Dequeue();
        try
        {
            var result = await delivery;
            if (verbose)
            {
                await console.Out.WriteLineAsync($"{result.Topic}-{result.Partition}@{result.Offset}");
            }

            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"Line {line} was not delivered: {e.Message}";
        }
    }

    private static RecordHeader[]? ParseHeaders(string[]? pairs)
    {
        if (pairs is not { Length: > 0 })
        {
            return null;
        }

        return pairs.Select(pair =>
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            return equals > 0
                ? new RecordHeader(pair[..equals], Encoding.UTF8.GetBytes(pair[(equals + 1)..]))
                : throw new CliException($"Header '{pair}' is not key=value.", ExitCodes.Usage);
        }).ToArray();
    }
}
