using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansLog.SchemaRegistry.Rest;

namespace OrleansLog.SchemaRegistry.Hosting;

/// <summary>Makes a silo serve Confluent Schema Registry's REST API.</summary>
public static class SchemaRegistryHostingExtensions
{
    /// <summary>The meter the REST API's metrics are on (requests per route and status, error codes, latency).</summary>
    public const string MeterName = SchemaRegistryMetrics.MeterName;

    /// <summary>
    /// Adds a Kestrel listener for the schema registry, with the settings in <c>OrleansLog:SchemaRegistry</c> (see
    /// <see cref="SchemaRegistryOptions"/>) and <paramref name="configure"/>; map the API on it with
    /// <see cref="SchemaRegistryEndpointRouteBuilderExtensions.MapSchemaRegistry"/>. The app must also host an Orleans silo with
    /// OrleansLog. Kestrel's other endpoints must then be set with <c>ConfigureKestrel</c> too: Kestrel ignores URLs set otherwise
    /// once an endpoint is configured in code.
    /// </summary>
    public static WebApplicationBuilder AddOrleansLogSchemaRegistry(this WebApplicationBuilder builder, Action<SchemaRegistryOptions>? configure = null)
    {
        var settings = new SchemaRegistryOptions();
        builder.Configuration.GetSection(SchemaRegistryOptions.SectionName).Bind(settings);
        configure?.Invoke(settings);
        builder.Services.AddOptions<SchemaRegistryOptions>()
            .BindConfiguration(SchemaRegistryOptions.SectionName)
            .Configure(o => configure?.Invoke(o))
            .Validate(o => o.Port is >= 0 and <= 65535, "OrleansLog:SchemaRegistry:Port must be 0 to 65535.")
            .Validate(o => !o.Enabled || IPAddress.TryParse(o.ListenAddress, out _), "OrleansLog:SchemaRegistry:ListenAddress must be an IP address (127.0.0.1, 0.0.0.0 or the address of an interface).")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<SchemaRegistryListener>();
        if (!settings.Enabled)
        {
            return builder;
        }

        if (!IPAddress.TryParse(settings.ListenAddress, out var address))
        {
            throw new InvalidOperationException($"OrleansLog:SchemaRegistry:ListenAddress '{settings.ListenAddress}' is not an IP address (use 127.0.0.1, 0.0.0.0 or the address of an interface).");
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, settings.Port, listener =>
            kestrel.ApplicationServices.GetRequiredService<SchemaRegistryListener>().BoundTo(listener)));
        return builder;
    }
}
