using OrleansLog.Client.Schemas;

namespace OrleansLog.Tests.Schemas;

public sealed class SubjectNamesTests
{
    [Theory]
    [InlineData(SubjectNameStrategy.Topic, MessageComponent.Value, "orders-value")]
    [InlineData(SubjectNameStrategy.Topic, MessageComponent.Key, "orders-key")]
    [InlineData(SubjectNameStrategy.Record, MessageComponent.Value, "com.example.Order")]
    [InlineData(SubjectNameStrategy.Record, MessageComponent.Key, "com.example.Order")]
    [InlineData(SubjectNameStrategy.TopicRecord, MessageComponent.Value, "orders-com.example.Order")]
    [InlineData(SubjectNameStrategy.TopicRecord, MessageComponent.Key, "orders-com.example.Order")]
    public void Each_strategy_names_the_subject_as_Confluent_does(SubjectNameStrategy strategy, MessageComponent component, string subject)
    {
        Assert.Equal(subject, SubjectNames.Of(strategy, "orders", component, "com.example.Order"));
    }

    [Fact]
    public void The_topic_strategy_does_not_need_a_record_name()
    {
        Assert.Equal("orders-value", SubjectNames.Of(SubjectNameStrategy.Topic, "orders", MessageComponent.Value, null));
    }

    [Theory]
    [InlineData(SubjectNameStrategy.Record)]
    [InlineData(SubjectNameStrategy.TopicRecord)]
    public void Record_strategies_refuse_a_schema_without_a_name(SubjectNameStrategy strategy)
    {
        var error = Assert.Throws<SchemaSerializationException>(() => SubjectNames.Of(strategy, "orders", MessageComponent.Value, null));
        Assert.Contains(strategy.ToString(), error.Message);
    }
}
