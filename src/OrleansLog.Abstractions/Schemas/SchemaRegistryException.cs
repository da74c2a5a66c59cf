using OrleansLog.Errors;

namespace OrleansLog.Schemas;

/// <summary>
/// A schema registry request failed; <see cref="RegistryErrorCode"/> is Confluent's error code (40401 subject not found, 409
/// incompatible, 42201 invalid schema...) and <see cref="HttpStatus"/> the HTTP status the REST API answers with.
/// </summary>
[GenerateSerializer]
public sealed class SchemaRegistryException : OrleansLogException
{
    /// <summary>Creates the error with Confluent's code and a message that says what was wrong and what to do.</summary>
    public SchemaRegistryException(int registryErrorCode, string message, Exception? innerException = null)
        : base(Errors.ErrorCode.InvalidRequest, message, innerException)
    {
        RegistryErrorCode = registryErrorCode;
    }

    /// <summary>Confluent's error code: the HTTP status followed by a detail number (40401), or the HTTP status alone (409).</summary>
    [Id(0)]
    public int RegistryErrorCode { get; }

    /// <summary>The HTTP status of the error code: its first three digits.</summary>
    public int HttpStatus => RegistryErrorCode >= 1000 ? RegistryErrorCode / 100 : RegistryErrorCode;

    /// <summary>Confluent's error codes.</summary>
    public static class Codes
    {
        /// <summary>The subject does not exist.</summary>
        public const int SubjectNotFound = 40401;

        /// <summary>The subject has no such version.</summary>
        public const int VersionNotFound = 40402;

        /// <summary>No schema has the id, or the schema is not registered under the subject.</summary>
        public const int SchemaNotFound = 40403;

        /// <summary>The subject was soft-deleted (ask with <c>deleted=true</c>, or delete it permanently).</summary>
        public const int SubjectSoftDeleted = 40404;

        /// <summary>A permanent delete of a subject that was not soft-deleted first.</summary>
        public const int SubjectNotSoftDeleted = 40405;

        /// <summary>The version was soft-deleted.</summary>
        public const int VersionSoftDeleted = 40406;

        /// <summary>A permanent delete of a version that was not soft-deleted first.</summary>
        public const int VersionNotSoftDeleted = 40407;

        /// <summary>The subject has no compatibility level of its own.</summary>
        public const int SubjectCompatibilityNotConfigured = 40408;

        /// <summary>The subject has no mode of its own.</summary>
        public const int SubjectModeNotConfigured = 40409;

        /// <summary>The request is malformed (for example a body that is not JSON).</summary>
        public const int BadRequest = 400;

        /// <summary>The schema is incompatible with earlier versions under the subject's compatibility level.</summary>
        public const int Incompatible = 409;

        /// <summary>The schema does not parse, or a reference does not resolve.</summary>
        public const int InvalidSchema = 42201;

        /// <summary>A version that is not a positive number or <c>latest</c>.</summary>
        public const int InvalidVersion = 42202;

        /// <summary>An unknown compatibility level.</summary>
        public const int InvalidCompatibilityLevel = 42203;

        /// <summary>An unknown mode.</summary>
        public const int InvalidMode = 42204;

        /// <summary>The operation is not allowed in the current mode, or on this subject.</summary>
        public const int OperationNotPermitted = 42205;

        /// <summary>The version is referenced by another schema and cannot be deleted.</summary>
        public const int ReferenceExists = 42206;

        /// <summary>An invalid subject name.</summary>
        public const int InvalidSubject = 42208;

        /// <summary>The registry's storage failed; retry.</summary>
        public const int StoreError = 50001;
    }
}
