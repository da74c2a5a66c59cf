using Avro;
using Avro.Generic;

namespace OrleansLog.Testing.Schemas;

/// <summary>The Avro order record the schema tests produce and read back, in a namespace of each test's own so subjects and full names never collide.</summary>
public static class AvroOrders
{
    /// <summary>The order schema's text; <paramref name="indented"/> as a user writes it in a file (with a doc), else compact.</summary>
    public static string SchemaText(string ns, bool indented = false) => indented
        ? $$"""
            {
              "type": "record",
              "name": "Order",
              "namespace": "{{ns}}",
              "doc": "An order, as the README's example registers it.",
              "fields": [
                { "name": "id", "type": "long" },
                { "name": "customer", "type": "string" },
                { "name": "total", "type": "double" },
                { "name": "note", "type": ["null", "string"], "default": null }
              ]
            }
            """
        : $$"""{"type":"record","name":"Order","namespace":"{{ns}}","fields":[{"name":"id","type":"long"},{"name":"customer","type":"string"},{"name":"total","type":"double"},{"name":"note","type":["null","string"],"default":null}]}""";

    /// <summary>The parsed order schema.</summary>
    public static RecordSchema Schema(string ns) => (RecordSchema)Avro.Schema.Parse(SchemaText(ns));

    /// <summary>Order <paramref name="id"/>, its other fields derived from the id so a reader can check every one.</summary>
    public static GenericRecord Record(RecordSchema schema, long id)
    {
        var record = new GenericRecord(schema);
        record.Add("id", id);
        record.Add("customer", $"customer-{id % 7}");
        record.Add("total", id * 1.25);
        record.Add("note", id % 2 == 0 ? null : $"note {id}");
        return record;
    }
}
