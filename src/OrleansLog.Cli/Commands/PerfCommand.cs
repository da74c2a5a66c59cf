using System.CommandLine;
using OrleansLog.Cli.Perf;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog perf produce|consume|partitions</c>: end-to-end throughput and latency, as Kafka's producer and consumer perf tests, and the cost of many partitions.</summary>
internal static class PerfCommand
{
    public static Command Create(CommandContext context)
    {
        var perf = new Command("perf", "Measure end-to-end throughput and latency against a running cluster (kafka-producer-perf-test.sh, kafka-consumer-perf-test.sh).");
        perf.Subcommands.Add(PerfThroughputCommand.Produce(context));
        perf.Subcommands.Add(PerfThroughputCommand.Consume(context));
        perf.Subcommands.Add(PerfPartitionsCommand.Create(context));
        return perf;
    }

    /// <summary>The <c>--runs</c> option every perf command takes.</summary>
    internal static Option<int> RunsOption() => new("--runs") { Description = "Repeat the measurement; the summary gives medians.", DefaultValueFactory = _ => 1 };

    /// <summary>The <c>--json</c> option every perf command takes.</summary>
    internal static Option<bool> JsonOption() => new("--json") { Description = "Print the results as JSON (runs and medians) instead of text." };

    /// <summary>The <c>--client</c> option of <c>perf produce</c> and <c>perf consume</c>.</summary>
    internal static Option<string> ClientOption() => new("--client")
    {
        Description = "native: the OrleansLog client over the gateway; kafka: Confluent.Kafka through the silo's Kafka listener (--bootstrap-servers); " +
            "both: native and kafka in turns (native, kafka, kafka, native, ...), with each one's medians and the ratios kafka/native.",
        DefaultValueFactory = _ => "native",
    };

    /// <summary>The <c>--bootstrap-servers</c> option: where <c>--client kafka|both</c> finds the Kafka listener.</summary>
    internal static Option<string> BootstrapServersOption() => new("--bootstrap-servers")
    {
        Description = "The Kafka listener for --client kafka|both (host:port[,host:port...]).",
        DefaultValueFactory = _ => "127.0.0.1:9092",
    };

    /// <summary>The clients <c>--client</c> names, in the order they run.</summary>
    internal static IReadOnlyList<PerfClient> ParseClient(string value) => value.ToLowerInvariant() switch
    {
        "native" => [PerfClient.Native],
        "kafka" => [PerfClient.Kafka],
        "both" => [PerfClient.Native, PerfClient.Kafka],
        _ => throw new CliException($"--client '{value}' is not one of native, kafka, both.", ExitCodes.Usage),
    };

    /// <summary>The option's value when positive; otherwise a usage error naming the option.</summary>
    internal static long Positive(long value, string option) =>
        value > 0 ? value : throw new CliException($"{option} must be positive; got {value}.", ExitCodes.Usage);

    /// <summary>The option's value when not negative; otherwise a usage error naming the option.</summary>
    internal static long NonNegative(long value, string option) =>
        value >= 0 ? value : throw new CliException($"{option} must not be negative; got {value}.", ExitCodes.Usage);
}
