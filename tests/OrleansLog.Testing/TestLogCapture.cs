using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansLog.Testing;

/// <summary>Keeps OrleansLog's own warnings and errors from the silos, so fault tests can print what the partitions went through.</summary>
public sealed class TestLogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The captured lines, oldest first.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName.StartsWith("OrleansLog", StringComparison.Ordinal) ? this : null, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(TestLogCapture? capture, string category = "") : ILogger
    {
        private string Category => category;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => capture is not null && logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                capture!._lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {Category}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}");
            }
        }
    }
}
