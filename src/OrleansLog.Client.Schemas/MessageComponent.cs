namespace OrleansLog.Client.Schemas;

/// <summary>Whether a serializer writes a record's key or its value; Confluent.Kafka's name, and part of the topic-name subject.</summary>
public enum MessageComponent
{
    /// <summary>The record's key: subject <c>&lt;topic&gt;-key</c> under <see cref="SubjectNameStrategy.Topic"/>.</summary>
    Key,

    /// <summary>The record's value: subject <c>&lt;topic&gt;-value</c> under <see cref="SubjectNameStrategy.Topic"/>.</summary>
    Value,
}
