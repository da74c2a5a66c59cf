using OrleansLog.Errors;

namespace OrleansLog.Client.Schemas;

/// <summary>
/// A schema serializer or deserializer failed: the bytes are not in Confluent's wire format (<see cref="Errors.ErrorCode.CorruptMessage"/>),
/// or a value does not fit its schema or subject (<see cref="Errors.ErrorCode.InvalidRecord"/>). Registry failures arrive as
/// <see cref="OrleansLog.Schemas.SchemaRegistryException"/>s instead.
/// </summary>
public sealed class SchemaSerializationException : OrleansLogException
{
    /// <summary>Creates the error with a code and a message that names the bad value and the rule it broke.</summary>
    public SchemaSerializationException(Errors.ErrorCode errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
    }
}
