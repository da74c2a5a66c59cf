using System;
using System.Globalization;

namespace OrleansLog.Kafka.Generator;

/// <summary>
/// A closed range of versions as Kafka's definitions write them: "3+", "0-7", "5" or "none".
/// </summary>
internal readonly struct VersionRange : IEquatable<VersionRange>
{
    public const short Open = short.MaxValue;

    public static readonly VersionRange None = new(1, 0);

    public VersionRange(short lowest, short highest)
    {
        Lowest = lowest;
        Highest = highest;
    }

    public short Lowest { get; }

    public short Highest { get; }

    public bool IsEmpty => Lowest > Highest;

    public bool IsOpenEnded => !IsEmpty && Highest == Open;

    public static VersionRange Parse(string? text, string what)
    {
        if (text is null)
        {
            throw new FormatException($"{what} is missing");
        }

        string trimmed = text.Trim();
        if (trimmed == "none")
        {
            return None;
        }

        if (trimmed.EndsWith("+", StringComparison.Ordinal))
        {
            return new VersionRange(ParseVersion(trimmed.Substring(0, trimmed.Length - 1), what), Open);
        }

        int dash = trimmed.IndexOf('-');
        if (dash > 0)
        {
            short lowest = ParseVersion(trimmed.Substring(0, dash), what);
            short highest = ParseVersion(trimmed.Substring(dash + 1), what);
            if (highest < lowest)
            {
                throw new FormatException($"{what} \"{text}\" ends before it starts");
            }

            return new VersionRange(lowest, highest);
        }

        short single = ParseVersion(trimmed, what);
        return new VersionRange(single, single);
    }

    public bool Contains(short version) => version >= Lowest && version <= Highest;

    public VersionRange Intersect(VersionRange other)
    {
        if (IsEmpty || other.IsEmpty)
        {
            return None;
        }

        short lowest = Math.Max(Lowest, other.Lowest);
        short highest = Math.Min(Highest, other.Highest);
        return lowest > highest ? None : new VersionRange(lowest, highest);
    }

    public bool Covers(VersionRange other) => other.IsEmpty || (!IsEmpty && Lowest <= other.Lowest && Highest >= other.Highest);

    /// <summary>
    /// A C# condition on <paramref name="variable"/> that is true for the versions of this range, knowing the
    /// version is already inside <paramref name="within"/>: "true", "false" or the fewest comparisons needed.
    /// </summary>
    public string Condition(string variable, VersionRange within)
    {
        VersionRange effective = Intersect(within);
        if (effective.IsEmpty)
        {
            return "false";
        }

        bool checkLow = effective.Lowest > within.Lowest;
        bool checkHigh = effective.Highest < within.Highest;
        if (checkLow && checkHigh)
        {
            return effective.Lowest == effective.Highest
                ? $"{variable} == {effective.Lowest}"
                : $"{variable} >= {effective.Lowest} && {variable} <= {effective.Highest}";
        }

        if (checkLow)
        {
            return $"{variable} >= {effective.Lowest}";
        }

        if (checkHigh)
        {
            return $"{variable} <= {effective.Highest}";
        }

        return "true";
    }

    public override string ToString()
    {
        if (IsEmpty)
        {
            return "none";
        }

        if (Highest == Open)
        {
            return Lowest.ToString(CultureInfo.InvariantCulture) + "+";
        }

        return Lowest == Highest
            ? Lowest.ToString(CultureInfo.InvariantCulture)
            : Lowest.ToString(CultureInfo.InvariantCulture) + "-" + Highest.ToString(CultureInfo.InvariantCulture);
    }

    public bool Equals(VersionRange other) => (IsEmpty && other.IsEmpty) || (Lowest == other.Lowest && Highest == other.Highest);

    public override bool Equals(object? obj) => obj is VersionRange other && Equals(other);

    public override int GetHashCode() => IsEmpty ? -1 : (Lowest * 65536) ^ Highest;

    private static short ParseVersion(string text, string what)
    {
        if (!short.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out short value))
        {
            throw new FormatException($"{what} \"{text}\" is not a version");
        }

        return value;
    }
}
