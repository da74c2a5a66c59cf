using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansLog.SchemaRegistry.Rest;

namespace OrleansLog.SchemaRegistry.Hosting;

/// <summary>Maps Confluent Schema Registry's REST API.</summary>
public static class SchemaRegistryEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the schema registry's REST API (Confluent's paths: <c>/subjects</c>, <c>/schemas</c>, <c>/config</c>, <c>/mode</c>,
    /// <c>/compatibility</c>) over the cluster's <c>ISchemaRegistryGrain</c>. With the listener of
    /// <see cref="SchemaRegistryHostingExtensions.AddOrleansLogSchemaRegistry"/> it answers only there; nothing is mapped when
    /// <c>OrleansLog:SchemaRegistry:Enabled</c> is false.
    /// </summary>
    public static IEndpointRouteBuilder MapSchemaRegistry(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        if (services.GetService<IOptions<SchemaRegistryOptions>>()?.Value is { Enabled: false })
        {
            return endpoints;
        }

        var api = endpoints.MapGroup(string.Empty);
        api.AddEndpointFilter(new SchemaRegistryRequestFilter(
            services.GetService<SchemaRegistryListener>() ?? new SchemaRegistryListener(),
            (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<SchemaRegistryRequestFilter>()));
        SchemaRegistryEndpoints.Map(api);
        return endpoints;
    }
}
