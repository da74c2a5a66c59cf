using OrleansLog.Groups;
using OrleansLog.Kafka.Apis;
using OrleansLog.Testing;

namespace OrleansLog.Tests.Kafka;

public sealed class KafkaGroupViewsTests
{
    [Fact]
    public void A_consumer_protocol_member_is_described_in_the_consumer_protocol_bytes_a_kafka_client_would_send()
    {
        var member = new GroupMemberDescription(
            "m-1", null, "client", "/127.0.0.1", ["orders", "refunds"],
            [new TopicPartition("orders", 2), new TopicPartition("refunds", 0), new TopicPartition("orders", 0)], []);

        Assert.Equal(ConsumerProtocol.Subscription("orders", "refunds"), KafkaGroupViews.Subscription(member));
        Assert.Equal(ConsumerProtocol.Assignment(("orders", [0, 2]), ("refunds", [0])), KafkaGroupViews.Assignment(member));
    }

    [Fact]
    public void A_classic_member_is_described_with_its_own_bytes()
    {
        byte[] metadata = [1, 2, 3];
        byte[] assignment = [4, 5];
        var member = new GroupMemberDescription("m-1", null, "client", "/127.0.0.1", [], [], [], metadata, assignment);

        Assert.Same(metadata, KafkaGroupViews.Subscription(member));
        Assert.Same(assignment, KafkaGroupViews.Assignment(member));
    }
}
