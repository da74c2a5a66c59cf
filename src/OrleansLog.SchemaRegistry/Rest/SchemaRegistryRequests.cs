using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using OrleansLog.Schemas;
using static OrleansLog.Schemas.SchemaRegistryException;

namespace OrleansLog.SchemaRegistry.Rest;

/// <summary>Reads what a REST request says (path values, query flags, JSON bodies) into the grain's terms, failing with Confluent's codes.</summary>
internal static class SchemaRegistryRequests
{
    /// <summary>The request content types Confluent's registry accepts (a request without one is read as JSON too).</summary>
    private static readonly string[] s_acceptedContentTypes = ["application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json", "application/json", "application/octet-stream"];

    /// <summary>Whether the request's content type is one the API reads.</summary>
    public static bool HasAcceptedContentType(HttpRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.ContentType))
        {
            return true;
        }

        // Parameters are ignored: Confluent's .NET client sends an empty charset ("; charset=").
        var mediaType = request.ContentType.Split(';', 2)[0].Trim();
        return Array.Exists(s_acceptedContentTypes, accepted => string.Equals(accepted, mediaType, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A subject from the path; an encoded slash (<c>%2F</c>), which routing leaves encoded, is decoded.</summary>
    public static string Subject(string subject) => subject.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>A version from the path: a positive number, <c>latest</c> or <c>-1</c> (the latest); anything else is 42202.</summary>
    public static int Version(string version)
    {
        if (string.Equals(version, "latest", StringComparison.OrdinalIgnoreCase))
        {
            return ISchemaRegistryGrain.LatestVersion;
        }

        if (int.TryParse(version, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && (number >= 1 || number == ISchemaRegistryGrain.LatestVersion))
        {
            return number;
        }

        throw new SchemaRegistryException(Codes.InvalidVersion, $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\".");
    }

    /// <summary>A boolean query parameter (<c>true</c> or <c>false</c>, any case); absent is <paramref name="absent"/>.</summary>
    public static bool Flag(HttpContext http, string name, bool absent = false)
    {
        var value = http.Request.Query[name];
        if (value.Count == 0 || string.IsNullOrEmpty(value[0]))
        {
            return absent;
        }

        return bool.TryParse(value[0], out var flag)
            ? flag
            : throw new SchemaRegistryException(Codes.BadRequest, $"Query parameter '{name}' is '{value[0]}'; use true or false.");
    }

    /// <summary>A subject-name prefix from the query; Confluent's wildcard <c>:*:</c> and an empty prefix mean every subject.</summary>
    public static string? Prefix(HttpContext http) =>
        http.Request.Query["subjectPrefix"].ToString() is { Length: > 0 } prefix && prefix != ":*:" ? prefix : null;

    /// <summary>Reads the JSON body; a body that is not JSON of the expected shape is 400.</summary>
    public static async Task<T> ReadBodyAsync<T>(HttpContext http, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, type, http.RequestAborted).ConfigureAwait(false)
                ?? throw new SchemaRegistryException(Codes.BadRequest, "The request body is null; send a JSON object.");
        }
        catch (JsonException e)
        {
            throw new SchemaRegistryException(Codes.BadRequest, $"The request body is not the JSON expected: {e.Message}");
        }
    }

    /// <summary>
    /// The schema a register, look-up or compatibility request sends. A missing <c>schema</c> is sent on as empty, which the registry
    /// refuses with 42201 ("empty schema"), as Confluent's does.
    /// </summary>
    public static Schema Schema(SchemaRequest body) =>
        new(
            body.Schema ?? string.Empty,
            ConfluentNames.ParseSchemaType(body.SchemaType),
            body.References?.Select((r, i) => r is null
                    ? throw new SchemaRegistryException(Codes.InvalidSchema, $"references[{i}] is null; each reference is {{\"name\", \"subject\", \"version\"}}.")
                    : new SchemaReference(r.Name ?? string.Empty, r.Subject ?? string.Empty, r.Version)).ToList());
}
