using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;

namespace OrleansLog.Storage;

/// <summary>Maps a grain's state to its blob name, <c>grainstate/{stateName}/{grainType}/{grainKey}.json</c>, keeping names readable and valid.</summary>
/// <remarks>
/// Letters, digits and <c>- _ . = @ , :</c> are kept; every other character (including
/// <c>/</c>, <c>%</c>, <c>~</c> and non-ASCII) becomes <c>%XX</c> per UTF-8 byte, and so does a
/// segment's trailing dot (URIs drop or fold trailing dots). For well-formed Unicode the mapping is injective, so two
/// grains never share a blob. A name over Azure's 1,024-character limit keeps the start of its key
/// followed by <c>~</c> and the key's SHA-256: <c>~</c> never appears otherwise.
/// </remarks>
internal static class GrainStateBlobNames
{
    /// <summary>The virtual folder all grain state blobs live under.</summary>
    public const string Prefix = "grainstate/";

    private const string Suffix = ".json";
    private const int MaxBlobNameLength = 1024;
    private const int KeptKeyCharsWhenHashed = 256;

    /// <summary>Returns the blob name for <paramref name="stateName"/> of <paramref name="grainId"/>.</summary>
    public static string GetBlobName(string stateName, GrainId grainId)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        var builder = new StringBuilder(Prefix, 128);
        AppendEscaped(builder, stateName);
        builder.Append('/');
        AppendEscaped(builder, grainId.Type.ToString()!);
        builder.Append('/');
        var keyStart = builder.Length;
        var key = grainId.Key.ToString();
        AppendEscaped(builder, key);
        if (builder.Length + Suffix.Length > MaxBlobNameLength)
        {
            var keep = Math.Min(KeptKeyCharsWhenHashed, builder.Length - keyStart);

            // Never cut an escape sequence in half.
            while (keep > 0 && (builder[keyStart + keep - 1] == '%' || (keep > 1 && builder[keyStart + keep - 2] == '%')))
            {
                keep--;
            }

            builder.Length = keyStart + keep;
            builder.Append('~').Append(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
        }

        return builder.Append(Suffix).ToString();
    }

    /// <summary>Appends <paramref name="value"/> to <paramref name="builder"/> as one escaped blob name segment.</summary>
    internal static void AppendEscaped(StringBuilder builder, string value)
    {
        Span<byte> utf8 = stackalloc byte[4];
        var index = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            var last = index + rune.Utf16SequenceLength == value.Length;
            index += rune.Utf16SequenceLength;
            if (IsKept(rune) && !(last && rune.Value == '.'))
            {
                builder.Append((char)rune.Value);
                continue;
            }

            var written = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < written; i++)
            {
                builder.Append('%').Append(HexUpper[utf8[i] >> 4]).Append(HexUpper[utf8[i] & 0xF]);
            }
        }
    }

    private static readonly SearchValues<char> KeptPunctuation = SearchValues.Create("-_.=@,:");

    private const string HexUpper = "0123456789ABCDEF";

    private static bool IsKept(Rune rune) =>
        rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || KeptPunctuation.Contains((char)rune.Value));
}
