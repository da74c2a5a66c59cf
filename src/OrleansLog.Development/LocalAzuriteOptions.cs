namespace OrleansLog.Development;

/// <summary>Settings for the long-lived local Azurite of <see cref="LocalAzurite"/>.</summary>
public sealed record LocalAzuriteOptions
{
    /// <summary>The folder where Azurite keeps its data and OrleansLog keeps the emulator's process record and log; one Azurite runs per folder.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The folder holding the package.json that pins Azurite; null searches upward for a folder named <c>azure</c>.</summary>
    public string? PackageDirectory { get; init; }

    /// <summary>The loopback port of the blob service for a new Azurite; 0 reuses the previous instance's port when it is free, else picks a free one.</summary>
    public int BlobPort { get; init; }

    /// <summary>The loopback port of the queue service for a new Azurite; 0 as for <see cref="BlobPort"/>.</summary>
    public int QueuePort { get; init; }

    /// <summary>The loopback port of the table service for a new Azurite; 0 as for <see cref="BlobPort"/>.</summary>
    public int TablePort { get; init; }

    /// <summary>How long to wait for a new Azurite to accept connections, not counting a first-use install.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
