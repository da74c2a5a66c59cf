namespace OrleansLog.KafkaTests;

/// <summary>A silo whose Kafka listener does not create unknown topics (OrleansLog:Kafka:AutoCreateTopics=false).</summary>
public sealed class NoAutoCreateKafkaBrokerFixture() : KafkaBrokerFixture(new Dictionary<string, string> { ["OrleansLog__Kafka__AutoCreateTopics"] = "false" });

/// <summary>The tests that share one <see cref="NoAutoCreateKafkaBrokerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class NoAutoCreateKafkaBrokerCollection : ICollectionFixture<NoAutoCreateKafkaBrokerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Kafka broker without auto-create";
}
