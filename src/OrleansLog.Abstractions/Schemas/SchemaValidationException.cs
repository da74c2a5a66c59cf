using OrleansLog.Errors;

namespace OrleansLog.Schemas;

/// <summary>
/// A batch was refused by a topic that validates schemas (<c>orleanslog.key.schema.validation</c> or
/// <c>orleanslog.value.schema.validation</c>): a record's key or value does not start with the id of a schema registered under the
/// topic's subject. Nothing of the batch was written.
/// </summary>
[GenerateSerializer]
public sealed class SchemaValidationException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the record and what it lacked.</summary>
    public SchemaValidationException(string message)
        : base(Errors.ErrorCode.InvalidRecord, message)
    {
    }
}
