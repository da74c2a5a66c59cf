using OrleansLog.Errors;

namespace OrleansLog.Topics;

/// <summary>Kafka's rules for topic names.</summary>
public static class TopicName
{
    /// <summary>The longest name Kafka allows.</summary>
    public const int MaxLength = 249;

    /// <summary>Throws <see cref="InvalidTopicException"/> unless <paramref name="name"/> is a legal topic name.</summary>
    public static void Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidTopicException("Topic name is empty; use 1 to 249 characters of [a-zA-Z0-9._-].");
        }

        if (name.Length > MaxLength)
        {
            throw new InvalidTopicException($"Topic name '{name[..20]}...' is {name.Length} characters long; the limit is {MaxLength}.");
        }

        if (name is "." or "..")
        {
            throw new InvalidTopicException($"Topic name '{name}' is not allowed; '.' and '..' are reserved.");
        }

        foreach (var c in name)
        {
            if (!IsLegal(c))
            {
                throw new InvalidTopicException($"Topic name '{name}' contains '{c}'; only ASCII letters, digits, '.', '_' and '-' are allowed.");
            }
        }
    }

    private static bool IsLegal(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
