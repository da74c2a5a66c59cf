using Microsoft.Extensions.Logging;

namespace OrleansLog.Development;

/// <summary>Keeps the last lines a child process printed, to quote them in error messages.</summary>
internal sealed partial class ProcessOutputBuffer(int capacity)
{
    private readonly Queue<string> _lines = new();

    public void Add(string? line, ILogger logger)
    {
        if (line is null)
        {
            return;
        }

        LogOutputLine(logger, line);
        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public string Text()
    {
        lock (_lines)
        {
            return _lines.Count == 0 ? "(nothing)" : string.Join(Environment.NewLine, _lines);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "azurite: {Line}")]
    private static partial void LogOutputLine(ILogger logger, string line);
}
