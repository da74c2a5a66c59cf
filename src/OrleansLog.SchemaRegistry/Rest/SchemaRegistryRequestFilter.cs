using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansLog.Schemas;

namespace OrleansLog.SchemaRegistry.Rest;

/// <summary>
/// Runs around every REST handler: answers only on the registry's listener, checks the content type, turns a
/// <see cref="SchemaRegistryException"/> into Confluent's error body and anything unexpected into a logged 50001, and counts requests.
/// </summary>
internal sealed partial class SchemaRegistryRequestFilter(SchemaRegistryListener listener, ILogger<SchemaRegistryRequestFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!listener.Serves(http.Connection.LocalPort))
        {
            return Results.NotFound();
        }

        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
        var started = Stopwatch.GetTimestamp();
        object? result;
        try
        {
            result = http.Request.Method is "POST" or "PUT" && !SchemaRegistryRequests.HasAcceptedContentType(http.Request)
                ? Failed(route, 415, 415, $"HTTP 415 Unsupported Media Type: '{http.Request.ContentType}'; send application/vnd.schemaregistry.v1+json or application/json.")
                : await next(context).ConfigureAwait(false);
        }
        catch (SchemaRegistryException e)
        {
            result = Failed(route, e.RegistryErrorCode, e.HttpStatus, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals of the body: too large (413), cut short, and the like.
            result = Failed(route, e.StatusCode, e.StatusCode, $"HTTP {e.StatusCode}: {e.Message}");
        }
        catch (TimeoutException e)
        {
            LogFailed(http.Request.Method, route, e);
            result = Failed(route, 50002, 500, $"The schema registry did not answer in time; retry. ({e.Message})");
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            LogFailed(http.Request.Method, route, e);
            result = Failed(route, SchemaRegistryException.Codes.StoreError, 500, $"Internal error: {e.Message}");
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;
        SchemaRegistryMetrics.RecordRequest(route, status, Stopwatch.GetElapsedTime(started));
        return result;
    }

    private static IResult Failed(string route, int errorCode, int httpStatus, string message)
    {
        SchemaRegistryMetrics.RecordError(route, errorCode);
        return SchemaRegistryResults.Error(errorCode, httpStatus, message);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Schema registry request {Method} {Route} failed unexpectedly")]
    private partial void LogFailed(string method, string route, Exception exception);
}
