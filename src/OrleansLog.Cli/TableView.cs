using Spectre.Console;

namespace OrleansLog.Cli;

/// <summary>A table of strings: bordered by Spectre.Console in a terminal, space-aligned plain text when output is redirected (for grep and awk).</summary>
internal sealed class TableView(params string[] columns)
{
    private readonly List<string[]> _rows = [];

    public void Add(params object?[] cells) =>
        _rows.Add(cells.Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray());

    public void Write(CliConsole console)
    {
        if (console.Interactive)
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in columns)
            {
                table.AddColumn(new TableColumn(Markup.Escape(column)));
            }

            foreach (var row in _rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            console.Ansi.Write(table);
            return;
        }

        var widths = columns.Select((c, i) => Math.Max(c.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        console.Out.WriteLine(Line(columns, widths));
        foreach (var row in _rows)
        {
            console.Out.WriteLine(Line(row, widths));
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
