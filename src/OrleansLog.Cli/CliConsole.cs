using Spectre.Console;

namespace OrleansLog.Cli;

/// <summary>Where a command reads input and writes output and errors; the real console, or writers in tests.</summary>
public sealed class CliConsole
{
    /// <summary>Creates a console over the given streams.</summary>
    /// <param name="output">Where results go (stdout).</param>
    /// <param name="error">Where diagnostics and progress go (stderr).</param>
    /// <param name="input">Where <c>produce</c> reads lines (stdin).</param>
    /// <param name="interactive">True when <paramref name="output"/> is a terminal: tables get borders and progress rewrites one line.</param>
    public CliConsole(TextWriter output, TextWriter error, TextReader input, bool interactive)
    {
        Out = output;
        Error = error;
        In = input;
        Interactive = interactive;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
    }

    /// <summary>The process console: stdout, stderr and stdin; interactive unless stdout is redirected.</summary>
    public static CliConsole System() =>
        new(Console.Out, Console.Error, Console.In, !Console.IsOutputRedirected);

    /// <summary>Results (stdout).</summary>
    public TextWriter Out { get; }

    /// <summary>Diagnostics and progress (stderr).</summary>
    public TextWriter Error { get; }

    /// <summary>Input lines (stdin).</summary>
    public TextReader In { get; }

    /// <summary>True when output is a terminal.</summary>
    public bool Interactive { get; }

    /// <summary>Spectre.Console over <see cref="Out"/>, for tables in a terminal.</summary>
    public IAnsiConsole Ansi { get; }
}
