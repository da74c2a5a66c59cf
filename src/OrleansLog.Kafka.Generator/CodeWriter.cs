using System.Text;

namespace OrleansLog.Kafka.Generator;

/// <summary>Builds C# source line by line with indentation.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public CodeWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(text);
        }

        _builder.Append('\n');
        return this;
    }

    public CodeWriter Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
        return this;
    }

    public CodeWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public CodeWriter Indent()
    {
        _indent++;
        return this;
    }

    public CodeWriter Outdent()
    {
        _indent--;
        return this;
    }

    /// <summary>Appends another writer's text, indented to this writer's level.</summary>
    public CodeWriter Append(CodeWriter other)
    {
        foreach (string line in other.ToString().Split('\n'))
        {
            if (line.Length > 0)
            {
                Line(line);
            }
        }

        return this;
    }

    public override string ToString() => _builder.ToString();
}
