using OrleansLog.Cli;

return await OrleansLogCli.RunAsync(args, CliConsole.System());
