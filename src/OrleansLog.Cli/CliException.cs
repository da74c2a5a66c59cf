namespace OrleansLog.Cli;

/// <summary>A failure the user can act on: printed as one line on stderr, with a non-zero exit code and no stack trace.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Failed) : Exception(message)
{
    /// <summary>The process exit code this failure ends with.</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>The exit codes of <c>orleanslog</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command failed: unknown topic, cluster unreachable, a record not delivered, an unhealthy cluster.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: unknown command or option, a value that does not parse.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl+C.</summary>
    public const int Cancelled = 130;
}
