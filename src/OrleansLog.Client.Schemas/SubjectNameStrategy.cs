namespace OrleansLog.Client.Schemas;

/// <summary>How a serializer names the subject it registers or looks up a schema under; Confluent's strategies and names.</summary>
public enum SubjectNameStrategy
{
    /// <summary><c>&lt;topic&gt;-key</c> or <c>&lt;topic&gt;-value</c>: one schema lineage per topic (Confluent's default).</summary>
    Topic,

    /// <summary>The record's full name (Avro <c>namespace.name</c>, JSON Schema <c>title</c>): one lineage per record type, across topics.</summary>
    Record,

    /// <summary><c>&lt;topic&gt;-&lt;full name&gt;</c>: one lineage per record type and topic, so a topic may carry several types.</summary>
    TopicRecord,
}
