using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace OrleansLog.SchemaRegistry.Rest;

/// <summary>Answers in Confluent's media type: JSON bodies, raw schema text and <c>{"error_code":N,"message":"..."}</c> errors.</summary>
internal static class SchemaRegistryResults
{
    /// <summary>The media type of every answer, as Confluent's registry sends it.</summary>
    public const string MediaType = "application/vnd.schemaregistry.v1+json";

    // Schema text is JSON inside a JSON string; escaping only what JSON requires keeps it readable with curl.
    private static readonly JsonSerializerOptions s_options = new(SchemaRegistryJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A 200 answer with <paramref name="value"/> as JSON.</summary>
    public static IResult Json<T>(T value, JsonTypeInfo<T> type) =>
        Results.Json(value, (JsonTypeInfo<T>)s_options.GetTypeInfo(type.Type), MediaType);

    /// <summary>A 200 answer with a schema's text as it is stored (the <c>/schema</c> endpoints).</summary>
    public static IResult Raw(string schemaText) => Results.Text(schemaText, MediaType);

    /// <summary>An error answer with Confluent's code and HTTP status.</summary>
    public static IResult Error(int errorCode, int httpStatus, string message) =>
        Results.Json(new ErrorContract(errorCode, message), (JsonTypeInfo<ErrorContract>)s_options.GetTypeInfo(typeof(ErrorContract)), MediaType, httpStatus);
}
