namespace OrleansLog.Silo;

/// <summary>The silo's own settings (section <c>OrleansLog:Silo</c>).</summary>
public sealed class SiloSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "OrleansLog:Silo";

    /// <summary>The port silos talk to each other on.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port Orleans clients connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The HTTP port of the health endpoint (<c>/healthz</c>); 0 turns it off.</summary>
    public int HealthPort { get; set; } = 8080;

    /// <summary>
    /// How long the grain directory keeps a crashed silo's grains reserved before they may be activated elsewhere (Orleans'
    /// <c>GrainDirectoryOptions.RangeLeaseDuration</c>, 30 s by default there). Partitions of a crashed silo are unavailable at
    /// least this long, counted from the estimated failure; shorter is safe here because blob lease and leader epoch fence a
    /// partition's stale activation.
    /// </summary>
    public TimeSpan GrainDirectoryRangeLeaseDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The address other silos and clients reach this one at; defaults to loopback for Localhost clustering and the first non-loopback IPv4 address otherwise.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>Orleans' cluster id: silos with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "orleanslog";

    /// <summary>Orleans' service id: stays the same across deployments of one service.</summary>
    public string ServiceId { get; set; } = "orleanslog";

    /// <summary>How long the start-up check waits for the storage account to answer before the silo exits with code 1; zero skips the check.</summary>
    public TimeSpan StorageCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Where the embedded Azurite keeps its data when no storage is configured.</summary>
    public string AzuriteDataDirectory { get; set; } = Path.Combine(".orleanslog", "azurite");
}
