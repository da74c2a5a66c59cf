namespace OrleansLog.SchemaRegistry.Hosting;

/// <summary>The schema registry's REST listener on a silo: Confluent Schema Registry's API, on its own port.</summary>
public sealed class SchemaRegistryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "OrleansLog:SchemaRegistry";

    /// <summary>Whether the silo serves the schema registry's REST API at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The address to listen on: 127.0.0.1 (the default) for this machine only, 0.0.0.0 for every interface.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The port to listen on; Confluent's 8081 by default, 0 for any free port.</summary>
    public int Port { get; set; } = 8081;
}
