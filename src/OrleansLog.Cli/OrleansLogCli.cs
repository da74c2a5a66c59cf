using System.CommandLine;
using OrleansLog.Cli.Commands;
using OrleansLog.Errors;
using OrleansLog.Schemas;

namespace OrleansLog.Cli;

/// <summary>The <c>orleanslog</c> command line: parses arguments, runs one command against the cluster, and returns the exit code.</summary>
public static class OrleansLogCli
{
    /// <summary>Runs <c>orleanslog</c> with <paramref name="args"/> on <paramref name="console"/>; Ctrl+C (or <paramref name="cancellationToken"/>) stops the command cleanly.</summary>
    public static Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default) =>
        RunAsync(args, console, null, cancellationToken);

    /// <summary>As <see cref="RunAsync(string[], CliConsole, CancellationToken)"/>, over <paramref name="client"/> when given instead of a connection of its own.</summary>
    internal static async Task<int> RunAsync(string[] args, CliConsole console, IClusterClient? client, CancellationToken cancellationToken)
    {
        var root = Build(console, client);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync($"orleanslog: {error.Message}");
            }

            await console.Error.WriteLineAsync("Run 'orleanslog --help' (or '<command> --help') for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false }, cancellationToken);
    }

    private static RootCommand Build(CliConsole console, IClusterClient? client)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand(
            """
            orleanslog: the OrleansLog operator's tool. Manage topics, produce and consume from the console, inspect consumer groups and offsets,
            manage the schema registry, check the cluster, and measure throughput. Connects as an Orleans client: --gateway host:port (repeatable), or ORLEANSLOG_GATEWAYS,
            or --settings/ORLEANSLOG_SETTINGS (a JSON file with the silos' OrleansLog section), or OrleansLog__* environment variables; by default
            the local silo at 127.0.0.1:30000 (what 'dotnet run --project src/OrleansLog.Silo' starts).

            Examples:
              orleanslog topics create orders --partitions 6 --config retention.ms=86400000
              seq 1 100 | orleanslog produce orders
              orleanslog consume orders --from-beginning --max-messages 10 --print-offset
              orleanslog schemas register orders-value --file order.avsc
              orleanslog perf produce --topic perf --records 1000000 --record-size 100
            """);
        globals.AddTo(root);
        var context = new CommandContext(console, globals, client);
        root.Add(TopicsCommand.Create(context));
        root.Add(ProduceCommand.Create(context));
        root.Add(ConsumeCommand.Create(context));
        root.Add(GroupsCommand.Create(context));
        root.Add(OffsetsCommand.Create(context));
        root.Add(ClusterCommand.Create(context));
        root.Add(SchemasCommand.Create(context));
        root.Add(PerfCommand.Create(context));
        return root;
    }
}

/// <summary>The options every command takes: how to reach the cluster, and how much to say.</summary>
internal sealed class GlobalOptions
{
    public Option<string[]> Gateway { get; } = new("--gateway", "-g")
    {
        Description = "A silo gateway, host:port (repeatable). Default: ORLEANSLOG_GATEWAYS, else 127.0.0.1:30000.",
        Recursive = true,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string> Settings { get; } = new("--settings")
    {
        Description = "A JSON settings file with the silos' OrleansLog section (e.g. Clustering:Provider=AzureTable and Storage); default: ORLEANSLOG_SETTINGS.",
        Recursive = true,
    };

    public Option<string> ClusterId { get; } = new("--cluster-id") { Description = "Orleans cluster id (default orleanslog).", Recursive = true };

    public Option<string> ServiceId { get; } = new("--service-id") { Description = "Orleans service id (default orleanslog).", Recursive = true };

    public Option<int> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = "Seconds to wait for a gateway to accept the connection.",
        DefaultValueFactory = _ => 10,
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Say more: per-record results, client logs, and stack traces on errors.", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Gateway);
        root.Options.Add(Settings);
        root.Options.Add(ClusterId);
        root.Options.Add(ServiceId);
        root.Options.Add(ConnectTimeout);
        root.Options.Add(Verbose);
    }

    public ConnectionSettings Read(ParseResult parse) => new()
    {
        Gateways = parse.GetValue(Gateway) ?? [],
        SettingsFile = parse.GetValue(Settings),
        ClusterId = parse.GetValue(ClusterId),
        ServiceId = parse.GetValue(ServiceId),
        ConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(ConnectTimeout))),
        Verbose = parse.GetValue(Verbose),
    };
}

/// <summary>What every command's action needs: the console, the global options, and the shared error handling.</summary>
internal sealed class CommandContext(CliConsole console, GlobalOptions globals, IClusterClient? client)
{
    public CliConsole Console { get; } = console;

    public GlobalOptions Globals { get; } = globals;

    /// <summary>Sets <paramref name="command"/>'s action to connect, run <paramref name="action"/>, and turn failures into one line on stderr.</summary>
    public void SetAction(Command command, Func<ParseResult, ClusterConnection, CancellationToken, Task<int>> action) =>
        SetAction(command, static (_, _) => Task.FromResult(true), (parse, _, connection, cancellationToken) => action(parse, connection, cancellationToken));

    /// <summary>
    /// Sets <paramref name="command"/>'s action to read and check its input first (<paramref name="read"/>: arguments that need more than the
    /// parser's checks, files), so a wrong command line exits 2 at once instead of after waiting for a cluster, then to connect and run
    /// <paramref name="action"/> with what was read; failures become one line on stderr.
    /// </summary>
    public void SetAction<TInput>(
        Command command, Func<ParseResult, CancellationToken, Task<TInput>> read, Func<ParseResult, TInput, ClusterConnection, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var verbose = parse.GetValue(Globals.Verbose);
            try
            {
                var input = await read(parse, cancellationToken);
                await using var connection = client is not null ? new ClusterConnection(client) : await ClusterConnection.ConnectAsync(Globals.Read(parse), cancellationToken);
                return await action(parse, input, connection, cancellationToken);
            }
            catch (Exception e)
            {
                return await FailAsync(e, verbose, cancellationToken);
            }
        });

    /// <summary>A registry error as one line: its message and Confluent's error code, as the REST API would answer it.</summary>
    public static string Describe(SchemaRegistryException e) => $"{e.Message} (error code {e.RegistryErrorCode})";

    private async Task<int> FailAsync(Exception e, bool verbose, CancellationToken cancellationToken)
    {
        if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }

        var (message, code) = e switch
        {
            CliException cli => (cli.Message, cli.ExitCode),
            SchemaRegistryException registry => (Describe(registry), ExitCodes.Failed),
            OrleansLogException log => (log.Message, ExitCodes.Failed),
            TimeoutException => ($"The cluster did not answer in time: {e.Message}", ExitCodes.Failed),
            _ => ($"{e.GetType().Name}: {e.Message}", ExitCodes.Failed),
        };
        await Console.Error.WriteLineAsync($"orleanslog: {message}");
        if (verbose && e is not CliException)
        {
            await Console.Error.WriteLineAsync(e.ToString());
        }

        return code;
    }
}
