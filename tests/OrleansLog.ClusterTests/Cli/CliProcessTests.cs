using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.ClusterTests.Processes;

namespace OrleansLog.ClusterTests.Cli;

/// <summary>The <c>orleanslog</c> command line connecting by itself over TCP to a real silo process, as an operator runs it.</summary>
public sealed class CliProcessTests
{
    [Fact]
    public async Task The_cli_connects_to_a_silo_by_gateway_and_reports_it_gone_after_a_kill()
    {
        var azurite = await TestAzurite.GetAsync();
        await using var silo = SiloProcess.Start(new Dictionary<string, string>
        {
            ["OrleansLog__Storage__ConnectionString"] = azurite.ConnectionString,
            ["OrleansLog__Storage__ContainerName"] = TestAzurite.NewContainerName("cli"),
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        var cli = new CliRunner("--gateway", $"127.0.0.1:{silo.GatewayPort}");

        Assert.Equal(0, (await cli.RunAsync("topics", "create", "events", "--partitions", "2")).ExitCode);
        var produced = await cli.RunAsync(["produce", "events", "--key-separator", "="], "a=1\nb=2\nc=3\n");
        Assert.True(produced.ExitCode == 0, produced.Error);
        var consumed = await cli.RunAsync("consume", "events", "--from-beginning", "--max-messages", "3", "--print-key", "--separator", "=");
        Assert.Equal(["a=1", "b=2", "c=3"], consumed.Lines.Order(StringComparer.Ordinal));

        var healthy = await cli.RunAsync("cluster");
        Assert.Equal(0, healthy.ExitCode);
        Assert.Single(healthy.Lines.Skip(1), l => l.Contains(" Active ", StringComparison.Ordinal));

        silo.Kill();
        var gone = await cli.RunAsync("cluster", "--connect-timeout", "2");
        Assert.Equal(1, gone.ExitCode);
        Assert.StartsWith($"orleanslog: Cannot connect to OrleansLog at gateway 127.0.0.1:{silo.GatewayPort}", gone.Error, StringComparison.Ordinal);
    }
}
