using System.CommandLine;
using OrleansLog.Client;
using OrleansLog.Partitions;
using OrleansLog.Records;

namespace OrleansLog.Cli.Commands;

/// <summary>The producer options <c>produce</c> and <c>perf produce</c> share, named as Kafka's producer configs.</summary>
internal sealed class ProducerSettingsOptions
{
    public Option<string> Acks { get; } = new("--acks")
    {
        Description = "all (-1): durable in blob storage; leader (1): in the partition's memory; none (0): do not wait.",
        DefaultValueFactory = _ => "all",
    };

    public Option<int?> LingerMs { get; } = new("--linger-ms") { Description = "How long a batch waits for more records (default 5)." };

    public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "The most bytes of records in one batch per partition (default 65536)." };

    public Option<string> Compression { get; } = new("--compression")
    {
        Description = "none, gzip, snappy, lz4 or zstd.",
        DefaultValueFactory = _ => "none",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Acks);
        command.Options.Add(LingerMs);
        command.Options.Add(BatchSize);
        command.Options.Add(Compression);
    }

    public ProducerOptions Read(ParseResult parse)
    {
        var defaults = new ProducerOptions();
        var options = defaults with
        {
            Acks = ParseAcks(parse.GetValue(Acks) ?? "all"),
            Linger = parse.GetValue(LingerMs) is { } linger ? TimeSpan.FromMilliseconds(linger) : defaults.Linger,
            BatchSize = parse.GetValue(BatchSize) ?? defaults.BatchSize,
            Compression = ParseCompression(parse.GetValue(Compression) ?? "none"),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, ExitCodes.Usage);
        }

        return options;
    }

    private static Acks ParseAcks(string value) => value.ToLowerInvariant() switch
    {
        "all" or "-1" => Partitions.Acks.All,
        "leader" or "1" => Partitions.Acks.Leader,
        "none" or "0" => Partitions.Acks.None,
        _ => throw new CliException($"--acks '{value}' is not one of all (-1), leader (1), none (0).", ExitCodes.Usage),
    };

    private static CompressionType ParseCompression(string value) => value.ToLowerInvariant() switch
    {
        "none" => CompressionType.None,
        "gzip" => CompressionType.Gzip,
        "snappy" => CompressionType.Snappy,
        "lz4" => CompressionType.Lz4,
        "zstd" => CompressionType.Zstd,
        _ => throw new CliException($"--compression '{value}' is not one of none, gzip, snappy, lz4, zstd.", ExitCodes.Usage),
    };
}
