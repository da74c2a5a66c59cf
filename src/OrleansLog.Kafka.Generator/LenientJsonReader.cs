using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace OrleansLog.Kafka.Generator;

/// <summary>
/// Reads the JSON of Kafka's message definitions into dictionaries, lists, strings, numbers (as their source
/// text), booleans and null. Lenient where Kafka's files need it: <c>//</c> and <c>/* */</c> comments anywhere
/// whitespace may stand, and a trailing comma before <c>}</c> or <c>]</c>. A generator cannot load
/// System.Text.Json into every compiler host, so this small reader stands in for it.
/// </summary>
internal sealed class LenientJsonReader
{
    private readonly string _text;
    private int _position;

    private LenientJsonReader(string text)
    {
        _text = text;
    }

    /// <summary>Parses one JSON value that fills the whole text.</summary>
    public static object? Parse(string text)
    {
        var reader = new LenientJsonReader(text);
        object? value = reader.ReadValue();
        reader.SkipWhitespaceAndComments();
        if (reader._position != text.Length)
        {
            throw reader.Error("unexpected text after the JSON value");
        }

        return value;
    }

    private object? ReadValue()
    {
        SkipWhitespaceAndComments();
        if (_position >= _text.Length)
        {
            throw Error("unexpected end of text");
        }

        char c = _text[_position];
        switch (c)
        {
            case '{':
                return ReadObject();
            case '[':
                return ReadArray();
            case '"':
                return ReadString();
            case 't':
                ExpectWord("true");
                return true;
            case 'f':
                ExpectWord("false");
                return false;
            case 'n':
                ExpectWord("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ReadNumber();
                }

                throw Error($"unexpected character '{c}'");
        }
    }

    private Dictionary<string, object?> ReadObject()
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        _position++;
        while (true)
        {
            SkipWhitespaceAndComments();
            if (Peek() == '}')
            {
                _position++;
                return result;
            }

            if (Peek() != '"')
            {
                throw Error("expected a property name");
            }

            string name = ReadString();
            SkipWhitespaceAndComments();
            if (Peek() != ':')
            {
                throw Error($"expected ':' after \"{name}\"");
            }

            _position++;
            if (result.ContainsKey(name))
            {
                throw Error($"property \"{name}\" appears twice");
            }

            result[name] = ReadValue();
            SkipWhitespaceAndComments();
            char next = Peek();
            if (next == ',')
            {
                _position++;
            }
            else if (next != '}')
            {
                throw Error("expected ',' or '}'");
            }
        }
    }

    private List<object?> ReadArray()
    {
        var result = new List<object?>();
        _position++;
        while (true)
        {
            SkipWhitespaceAndComments();
            if (Peek() == ']')
            {
                _position++;
                return result;
            }

            result.Add(ReadValue());
            SkipWhitespaceAndComments();
            char next = Peek();
            if (next == ',')
            {
                _position++;
            }
            else if (next != ']')
            {
                throw Error("expected ',' or ']'");
            }
        }
    }

    private string ReadString()
    {
        var builder = new StringBuilder();
        _position++;
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("unterminated string");
            }

            char c = _text[_position++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (_position >= _text.Length)
            {
                throw Error("unterminated escape");
            }

            char escape = _text[_position++];
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length)
                    {
                        throw Error("short \\u escape");
                    }

                    builder.Append((char)int.Parse(_text.Substring(_position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    _position += 4;
                    break;
                default:
                    throw Error($"unknown escape '\\{escape}'");
            }
        }
    }

    // Numbers stay text: the generator decides their type from the field they belong to.
    private string ReadNumber()
    {
        int start = _position;
        while (_position < _text.Length && "+-0123456789.eExX".IndexOf(_text[_position]) >= 0)
        {
            _position++;
        }

        return _text.Substring(start, _position - start);
    }

    private void ExpectWord(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            throw Error($"expected '{word}'");
        }

        _position += word.Length;
    }

    private void SkipWhitespaceAndComments()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (char.IsWhiteSpace(c) || c == '\uFEFF')
            {
                _position++;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/')
            {
                int end = _text.IndexOf('\n', _position);
                _position = end < 0 ? _text.Length : end + 1;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '*')
            {
                int end = _text.IndexOf("*/", _position + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Error("unterminated comment");
                }

                _position = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private FormatException Error(string problem)
    {
        int line = 1;
        int column = 1;
        for (int i = 0; i < _position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new FormatException($"JSON at line {line}, column {column}: {problem}");
    }
}
