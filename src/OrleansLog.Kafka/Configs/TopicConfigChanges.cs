using OrleansLog.Errors;
using OrleansLog.Topics;

namespace OrleansLog.Kafka.Configs;

/// <summary>
/// Kafka's config alterations of one topic as the changes OrleansLog's topic grain applies (a null value resets a key to its default):
/// AlterConfigs replaces the topic's whole override set; IncrementalAlterConfigs sets, deletes, appends to or subtracts from single keys.
/// </summary>
internal sealed class TopicConfigChanges
{
    private readonly Dictionary<string, string?> _changes = new(StringComparer.Ordinal);

    private TopicConfigChanges()
    {
    }

    /// <summary>The changes: each key with its new value, or null to reset it.</summary>
    public IReadOnlyDictionary<string, string?> Changes => _changes;

    /// <summary>AlterConfigs: <paramref name="configs"/> become the topic's overrides, and every key they leave out goes back to its default.</summary>
    /// <exception cref="InvalidRequestException">A key appears twice, or has a null value.</exception>
    public static TopicConfigChanges Replace(IEnumerable<(string Name, string? Value)> configs)
    {
        var changes = new TopicConfigChanges();
        foreach (var key in TopicConfig.Keys.Keys)
        {
            changes._changes[key] = null;
        }

        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in configs)
        {
            if (!named.Add(name))
            {
                throw new InvalidRequestException($"Config '{name}' appears more than once; name each config once.");
            }

            // Kafka's legacy AlterConfigs has no "reset": leaving a key out resets it.
            changes._changes[name] = value ?? throw new InvalidRequestException(
                $"Config '{name}' has a null value; AlterConfigs replaces all of a topic's configs, so leave '{name}' out to reset it.");
        }

        return changes;
    }

    /// <summary>IncrementalAlterConfigs: each operation changes one key of <paramref name="topic"/>; the others keep their values.</summary>
    /// <exception cref="InvalidRequestException">A key appears twice, an operation is unknown, or SET, APPEND or SUBTRACT has a null value.</exception>
    /// <exception cref="InvalidConfigException">A key is unknown, or APPEND or SUBTRACT names a config that is not a list.</exception>
    public static TopicConfigChanges Incremental(IEnumerable<(string Name, AlterConfigOperation Operation, string? Value)> operations, TopicDescription topic)
    {
        var changes = new TopicConfigChanges();
        foreach (var (name, operation, value) in operations)
        {
            if (changes._changes.ContainsKey(name))
            {
                throw new InvalidRequestException($"Config '{name}' appears more than once; give each config one operation.");
            }

            changes._changes[name] = operation switch
            {
                AlterConfigOperation.Set => value ?? throw NullValue(name, operation),
                AlterConfigOperation.Delete => Reset(name),
                AlterConfigOperation.Append or AlterConfigOperation.Subtract => ChangeList(topic, name, operation, value ?? throw NullValue(name, operation)),
                _ => throw new InvalidRequestException(
                    $"Config operation {(sbyte)operation} for '{name}' is unknown; use SET (0), DELETE (1), APPEND (2) or SUBTRACT (3)."),
            };
        }

        return changes;
    }

    /// <summary>The overrides <paramref name="overrides"/> become with these changes, checked by <see cref="TopicConfig"/>'s rules.</summary>
    /// <exception cref="InvalidConfigException">A key is unknown or a value breaks its rule.</exception>
    public IReadOnlyDictionary<string, string> ApplyTo(IReadOnlyDictionary<string, string> overrides)
    {
        var result = new Dictionary<string, string>(overrides, StringComparer.Ordinal);
        foreach (var (key, value) in _changes)
        {
            if (value is null)
            {
                KnownKey(key);
                result.Remove(key);
            }
            else
            {
                result[key] = value;
            }
        }

        TopicConfig.Parse(result);
        return result;
    }

    private static void KnownKey(string key)
    {
        if (!TopicConfig.Keys.ContainsKey(key))
        {
            throw new InvalidConfigException($"Unknown topic config '{key}'. Known keys: {string.Join(", ", TopicConfig.Keys.Keys)}.");
        }
    }

    private static InvalidRequestException NullValue(string key, AlterConfigOperation operation) =>
        new($"Config '{key}' has a null value for {operation.ToString().ToUpperInvariant()}; only DELETE takes none.");

    private static string? Reset(string key)
    {
        KnownKey(key);
        return null;
    }

    // APPEND and SUBTRACT work on the effective list (the override, else the default), as Kafka's do.
    private static string ChangeList(TopicDescription topic, string key, AlterConfigOperation operation, string values)
    {
        KnownKey(key);
        var type = TopicConfigEntries.TypeOf(key);
        if (type != ConfigType.List)
        {
            throw new InvalidConfigException(
                $"Cannot {operation.ToString().ToUpperInvariant()} '{key}': it is a {type.ToString().ToLowerInvariant()}, and only list configs ({string.Join(", ", ListKeys())}) take APPEND and SUBTRACT; use SET.");
        }

        var list = Split(topic.Config.ToDictionary()[key]);
        foreach (var value in Split(values))
        {
            if (operation == AlterConfigOperation.Append && !list.Contains(value))
            {
                list.Add(value);
            }
            else if (operation == AlterConfigOperation.Subtract)
            {
                list.Remove(value);
            }
        }

        return string.Join(',', list);
    }

    private static List<string> Split(string list) => [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static IEnumerable<string> ListKeys() => TopicConfig.Keys.Keys.Where(k => TopicConfigEntries.TypeOf(k) == ConfigType.List);
}
