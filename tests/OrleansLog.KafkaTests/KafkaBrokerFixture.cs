using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansLog.Client;

namespace OrleansLog.KafkaTests;

/// <summary>
/// One silo process, the bundled silo executable with its Kafka listener on a free port, storing in the test Azurite; shared by the
/// Kafka tests of a collection. Kafka clients connect to <see cref="BootstrapServers"/>; native checks use <see cref="Log"/>.
/// </summary>
public class KafkaBrokerFixture : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private SiloProcess? _silo;
    private IHost? _client;

    /// <summary>A silo with the default Kafka settings.</summary>
    public KafkaBrokerFixture()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>A silo with <paramref name="settings"/> (environment variables, <c>Section__Key</c>) on top of the defaults.</summary>
    protected KafkaBrokerFixture(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
    }

    /// <summary>The bootstrap address of the silo's Kafka listener.</summary>
    public string BootstrapServers => $"127.0.0.1:{Silo.KafkaPort}";

    /// <summary>The base URL of the silo's schema registry REST API.</summary>
    public string SchemaRegistryUrl => $"http://127.0.0.1:{Silo.SchemaRegistryPort}";

    /// <summary>The silo process.</summary>
    public SiloProcess Silo => _silo ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The native OrleansLog client connected to the silo.</summary>
    public OrleansLogClient Log => _client?.Services.GetRequiredService<OrleansLogClient>() ?? throw new InvalidOperationException("The fixture has not started.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var azurite = await TestAzurite.GetAsync();
        var settings = new Dictionary<string, string>
        {
            ["OrleansLog__Storage__ConnectionString"] = azurite.ConnectionString,
            ["OrleansLog__Storage__ContainerName"] = TestAzurite.NewContainerName("kafka"),
            ["Logging__LogLevel__Default"] = "Warning",

            // Retention, segment rolls and compaction checked often, so tests of compacted topics see compaction within seconds.
            ["OrleansLog__Partitions__MaintenanceInterval"] = "00:00:00.300",
            ["OrleansLog__Partitions__CompactionDeleteDelay"] = "00:00:00.500",
        };
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }

        _silo = SiloProcess.Start(settings);
        await _silo.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        _client = await SiloProcess.ConnectAsync(_silo.GatewayPort);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

/// <summary>The tests that share one <see cref="KafkaBrokerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class KafkaBrokerCollection : ICollectionFixture<KafkaBrokerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Kafka broker";
}
