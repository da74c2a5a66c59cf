using System.Globalization;
using OrleansLog.Cli;

namespace OrleansLog.KafkaTests;

/// <summary>Runs the <c>orleanslog</c> command line in-process against a test broker's gateway, capturing what it prints.</summary>
public static class CliRunner
{
    /// <summary>Runs <c>orleanslog <paramref name="args"/> --gateway ...</c> against <paramref name="broker"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(KafkaBrokerFixture broker, params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var console = new CliConsole(output, error, TextReader.Null, interactive: false);
        var code = await OrleansLogCli.RunAsync([.. args, "--gateway", $"127.0.0.1:{broker.Silo.GatewayPort}"], console);
        return (code, output.ToString(), error.ToString());
    }
}
