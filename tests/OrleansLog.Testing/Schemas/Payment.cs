using Avro;
using Avro.Specific;

namespace OrleansLog.Testing.Schemas;

/// <summary>A specific Avro record shared by the unit and cluster tests, written as avrogen writes one: the Avro full name is the class's full name, so Avro's specific reader finds it.</summary>
public sealed class Payment : ISpecificRecord
{
#pragma warning disable SA1310, IDE1006 // avrogen's name for the schema field, which the serializers look for.
    public static readonly Schema _SCHEMA = Schema.Parse(
        """{"type":"record","name":"Payment","namespace":"OrleansLog.Testing.Schemas","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"quantity","type":"int"}]}""");
#pragma warning restore SA1310, IDE1006

    public string Id { get; set; } = "";

    public double Amount { get; set; }

    public int Quantity { get; set; }

    public Schema Schema => _SCHEMA;

    public object Get(int fieldPos) => fieldPos switch
    {
        0 => Id,
        1 => Amount,
        2 => Quantity,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in Get()"),
    };

    public void Put(int fieldPos, object fieldValue)
    {
        switch (fieldPos)
        {
            case 0: Id = (string)fieldValue; break;
            case 1: Amount = (double)fieldValue; break;
            case 2: Quantity = (int)fieldValue; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in Put()");
        }
    }
}
