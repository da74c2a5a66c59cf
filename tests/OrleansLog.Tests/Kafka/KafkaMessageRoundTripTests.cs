using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Tests.Kafka;

public sealed class KafkaMessageRoundTripTests
{
    public static TheoryData<string, short> EveryMessageAndVersion
    {
        get
        {
            var data = new TheoryData<string, short>();
            foreach (KafkaApi api in KafkaApis.All)
            {
                for (short version = api.LowestSupportedVersion; version <= api.HighestSupportedVersion; version++)
                {
                    data.Add(api.RequestType.Name, version);
                    data.Add(api.ResponseType.Name, version);
                }
            }

            for (short version = RequestHeader.LowestSupportedVersion; version <= RequestHeader.HighestSupportedVersion; version++)
            {
                data.Add(nameof(RequestHeader), version);
            }

            for (short version = ResponseHeader.LowestSupportedVersion; version <= ResponseHeader.HighestSupportedVersion; version++)
            {
                data.Add(nameof(ResponseHeader), version);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(EveryMessageAndVersion))]
    public void Every_field_of_the_version_survives_write_then_read(string messageName, short version)
    {
        Type type = KafkaMessageSamples.MessageType(messageName);
        for (int seed = 0; seed < 3; seed++)
        {
            var random = new Random(seed * 1000 + version);
            var written = (IKafkaMessage)Activator.CreateInstance(type)!;
            KafkaMessageSamples.Fill(written, version, random, nullWherePossible: false);
            AssertRoundTrips(type, written, version);
        }
    }

    [Theory]
    [MemberData(nameof(EveryMessageAndVersion))]
    public void Nulls_where_the_version_allows_them_survive_write_then_read(string messageName, short version)
    {
        Type type = KafkaMessageSamples.MessageType(messageName);
        var written = (IKafkaMessage)Activator.CreateInstance(type)!;
        KafkaMessageSamples.Fill(written, version, new Random(version), nullWherePossible: true);
        AssertRoundTrips(type, written, version);
    }

    [Theory]
    [MemberData(nameof(EveryMessageAndVersion))]
    public void A_message_of_defaults_survives_write_then_read(string messageName, short version)
    {
        Type type = KafkaMessageSamples.MessageType(messageName);
        AssertRoundTrips(type, (IKafkaMessage)Activator.CreateInstance(type)!, version);
    }

    [Fact]
    public void Every_api_has_versions_to_test()
    {
        Assert.Equal(29, KafkaApis.All.Count);
        int cases = EveryMessageAndVersion.Count();
        int expected = KafkaApis.All.Sum(api => 2 * (api.HighestSupportedVersion - api.LowestSupportedVersion + 1)) + 3 + 2;
        Assert.Equal(expected, cases);
    }

    private static void AssertRoundTrips(Type type, IKafkaMessage written, short version)
    {
        byte[] bytes = KafkaMessageSamples.Write(written, version);

        var read = (IKafkaMessage)Activator.CreateInstance(type)!;
        var reader = new KafkaReader(bytes);
        read.Read(ref reader, version);
        Assert.Equal(bytes.Length, reader.Position);
        Assert.Equal(0, reader.Remaining);
        KafkaMessageSamples.AssertEquivalent(written, read, $"{type.Name} v{version}");

        // Reading from memory slices records instead of copying them; the result is the same.
        var fromMemory = (IKafkaMessage)Activator.CreateInstance(type)!;
        var memoryReader = new KafkaReader(bytes.AsMemory());
        fromMemory.Read(ref memoryReader, version);
        Assert.Equal(0, memoryReader.Remaining);
        KafkaMessageSamples.AssertEquivalent(written, fromMemory, $"{type.Name} v{version} (memory)");

        // What was read writes the same bytes again.
        Assert.Equal(bytes, KafkaMessageSamples.Write(read, version));
    }
}
