using System.Buffers;
using System.Collections;
using System.Reflection;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Tests.Kafka;

/// <summary>
/// Fills generated Kafka messages with random non-default values for the fields a version has (read from the
/// generated [KafkaField] attributes), and compares two messages field by field, nested structures included.
/// </summary>
internal static class KafkaMessageSamples
{
    public static Type MessageType(string name) =>
        typeof(RequestHeader).Assembly.GetType("OrleansLog.Kafka.Protocol." + name, throwOnError: true)!;

    /// <summary>Sets every field that exists in <paramref name="version"/>; returns how many were set.</summary>
    public static int Fill(object message, short version, Random random, bool nullWherePossible)
    {
        int set = 0;
        foreach ((PropertyInfo property, KafkaFieldAttribute field) in Fields(message.GetType()))
        {
            if (!field.ExistsIn(version))
            {
                continue;
            }

            if (nullWherePossible && field.IsNullableIn(version))
            {
                property.SetValue(message, null);
            }
            else
            {
                property.SetValue(message, Sample(property.PropertyType, property.GetValue(message), version, random, nullWherePossible));
            }

            set++;
        }

        return set;
    }

    public static byte[] Write(IKafkaMessage message, short version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        message.Write(ref writer, version);
        return buffer.WrittenSpan.ToArray();
    }

    public static void AssertEquivalent(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, read {actual ?? "null"}");
            return;
        }

        switch (expected)
        {
            case byte[] bytes:
                Assert.Equal(bytes, Assert.IsType<byte[]>(actual));
                return;
            case ReadOnlyMemory<byte> memory:
                Assert.Equal(memory.ToArray(), Assert.IsType<ReadOnlyMemory<byte>>(actual).ToArray());
                return;
            case IList list:
                var actualList = Assert.IsAssignableFrom<IList>(actual);
                Assert.True(list.Count == actualList.Count, $"{path}: expected {list.Count} elements, read {actualList.Count}");
                for (int i = 0; i < list.Count; i++)
                {
                    AssertEquivalent(list[i], actualList[i], $"{path}[{i}]");
                }

                return;
        }

        Type type = expected.GetType();
        if (type.Namespace == "OrleansLog.Kafka.Protocol" && type.IsClass && type != typeof(string))
        {
            Assert.Equal(type, actual.GetType());
            foreach ((PropertyInfo property, _) in Fields(type))
            {
                AssertEquivalent(property.GetValue(expected), property.GetValue(actual), path + "." + property.Name);
            }

            return;
        }

        Assert.True(Equals(expected, actual), $"{path}: expected {expected}, read {actual}");
    }

    private static IEnumerable<(PropertyInfo Property, KafkaFieldAttribute Field)> Fields(Type type)
    {
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<KafkaFieldAttribute>() is { } field)
            {
                yield return (property, field);
            }
        }
    }

    private static object Sample(Type type, object? current, short version, Random random, bool nullWherePossible)
    {
        if (type == typeof(ReadOnlyMemory<byte>?))
        {
            return new ReadOnlyMemory<byte>(RandomBytes(random, 1, 40));
        }

        if (type == typeof(bool))
        {
            return !(bool)current!;
        }

        if (type == typeof(string))
        {
            return $"s{random.Next(0, 100_000)}-é";
        }

        if (type == typeof(byte[]))
        {
            return RandomBytes(random, 1, 8);
        }

        if (type == typeof(Guid))
        {
            var bytes = RandomBytes(random, 16, 16);
            return new Guid(bytes);
        }

        if (type == typeof(double))
        {
            return random.NextDouble() * 1000 + 1;
        }

        if (type.IsPrimitive)
        {
            // A small signed value, different from the default, converted to the field's integer type.
            long value;
            do
            {
                value = type == typeof(sbyte) ? random.Next(-100, 100)
                    : type == typeof(ushort) || type == typeof(uint) ? random.Next(1, 60_000)
                    : random.Next(-100, 30_000);
            }
            while (current is not null && Convert.ToInt64(current) == value);

            return Convert.ChangeType(value, type);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            Type elementType = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(type)!;
            int count = random.Next(1, 3);
            for (int i = 0; i < count; i++)
            {
                object? elementDefault = elementType.IsValueType ? Activator.CreateInstance(elementType) : null;
                list.Add(Sample(elementType, elementDefault, version, random, nullWherePossible));
            }

            return list;
        }

        if (type.IsClass && type.Namespace == "OrleansLog.Kafka.Protocol")
        {
            object nested = Activator.CreateInstance(type)!;
            Fill(nested, version, random, nullWherePossible);
            return nested;
        }

        throw new NotSupportedException($"No sample for {type}.");
    }

    private static byte[] RandomBytes(Random random, int minLength, int maxLength)
    {
        byte[] bytes = new byte[random.Next(minLength, maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }
}
