using OrleansLog.Cli;
using OrleansLog.ClusterTests.Infrastructure;

namespace OrleansLog.ClusterTests.Cli;

/// <summary>What one <c>orleanslog</c> run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>The non-empty lines of stdout.</summary>
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// Runs the <c>orleanslog</c> command line in-process with output captured: over an in-process test cluster's client (whose
/// transport is in memory, so it has no TCP gateway), or with connection arguments to a real silo process.
/// </summary>
public sealed class CliRunner
{
    private readonly IClusterClient? _client;
    private readonly string[] _connectionArgs;

    /// <summary>Runs commands over <paramref name="cluster"/>'s client.</summary>
    public CliRunner(LogCluster cluster)
    {
        _client = cluster.Cluster.Client;
        _connectionArgs = [];
    }

    /// <summary>Runs commands that connect by themselves with <paramref name="connectionArgs"/> (e.g. --gateway host:port).</summary>
    public CliRunner(params string[] connectionArgs) => _connectionArgs = connectionArgs;

    /// <summary>Runs <c>orleanslog</c> with <paramref name="args"/> (connection arguments appended), feeding <paramref name="input"/> as stdin.</summary>
    public async Task<CliResult> RunAsync(string[] args, string input = "", CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error, new StringReader(input), interactive: false);
        var code = await OrleansLogCli.RunAsync([.. args, .. _connectionArgs], console, _client, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>orleanslog</c> with <paramref name="args"/> and no stdin.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, "");
}
