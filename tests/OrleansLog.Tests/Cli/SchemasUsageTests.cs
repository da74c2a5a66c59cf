using OrleansLog.Cli;

namespace OrleansLog.Tests.Cli;

/// <summary>
/// A wrong 'schemas' command line is refused with exit code 2 before any connection is tried: these run with no cluster at all (a gateway
/// port nothing listens on), where a connection attempt would end in exit code 1 instead.
/// </summary>
public sealed class SchemasUsageTests
{
    public static TheoryData<string[], string> WrongCommandLines => new()
    {
        { ["schemas", "get"], "Give a subject or --id N (not both)." },
        { ["schemas", "get", "orders-value", "--id", "3"], "Give a subject or --id N (not both)." },
        { ["schemas", "get", "--id", "3", "--version", "2"], "--version goes with a subject" },
        { ["schemas", "get", "orders-value", "--version", "two"], "--version 'two' is not a positive number or latest." },
        { ["schemas", "delete", "orders-value", "--version", "0"], "--version '0' is not a positive number or latest." },
        { ["schemas", "register", "orders-value", "--file", "/nonexistent/order.avsc"], "The schema file '/nonexistent/order.avsc' does not exist." },
        { ["schemas", "check", "orders-value", "--file", "/nonexistent/order.avsc"], "does not exist." },
        { ["schemas", "compat", "set", "orders-value", "SIDEWAYS"], "SIDEWAYS" },
        { ["schemas", "mode", "set", "WRITEONLY"], "WRITEONLY" },
    };

    [Theory]
    [MemberData(nameof(WrongCommandLines))]
    public async Task A_wrong_command_line_exits_2_without_connecting(string[] args, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error, TextReader.Null, interactive: false);

        var code = await OrleansLogCli.RunAsync([.. args, "--gateway", "127.0.0.1:9", "--connect-timeout", "1"], console);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("connect", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
