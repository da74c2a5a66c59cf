using OrleansLog.Errors;

namespace OrleansLog.Groups;

/// <summary>The rules for consumer group ids (Kafka's topic-name alphabet, so ids are safe in blob names and CLI arguments).</summary>
public static class GroupId
{
    /// <summary>The longest group id allowed.</summary>
    public const int MaxLength = 249;

    /// <summary>Throws <see cref="InvalidGroupIdException"/> unless <paramref name="groupId"/> is a legal group id.</summary>
    public static void Validate(string? groupId)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            throw new InvalidGroupIdException("Group id is empty; use 1 to 249 characters of [a-zA-Z0-9._-] (set ConsumerOptions.GroupId).");
        }

        if (groupId.Length > MaxLength)
        {
            throw new InvalidGroupIdException($"Group id '{groupId[..20]}...' is {groupId.Length} characters long; the limit is {MaxLength}.");
        }

        foreach (var c in groupId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                throw new InvalidGroupIdException($"Group id '{groupId}' contains '{c}'; only ASCII letters, digits, '.', '_' and '-' are allowed.");
            }
        }
    }
}
