namespace OrleansLog.Testing;

/// <summary>Settings for starting a local Azurite storage emulator with <see cref="AzuriteEmulator.StartAsync"/>.</summary>
public sealed record AzuriteEmulatorOptions
{
    /// <summary>The folder holding the package.json that pins Azurite; null searches upward for a folder named <c>azure</c> from the current directory, then from the application's base directory.</summary>
    public string? PackageDirectory { get; init; }

    /// <summary>Whether Azurite keeps all data in memory and loses it when it stops.</summary>
    public bool InMemoryPersistence { get; init; } = true;

    /// <summary>The folder where Azurite keeps its data when <see cref="InMemoryPersistence"/> is false; null uses <c>.orleanslog/azurite</c> under the current directory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The loopback port of the blob service; 0 picks a free port.</summary>
    public int BlobPort { get; init; }

    /// <summary>The loopback port of the queue service; 0 picks a free port.</summary>
    public int QueuePort { get; init; }

    /// <summary>The loopback port of the table service; 0 picks a free port.</summary>
    public int TablePort { get; init; }

    /// <summary>
    /// Node.js's heap limit for Azurite in MiB (<c>--max-old-space-size</c>); null keeps Node's default (about 4 GiB on a 64-bit
    /// machine), which an in-memory Azurite holding a long soak's metadata outgrows.
    /// </summary>
    public int? NodeHeapMegabytes { get; init; }

    /// <summary>
    /// Turns off Azurite's blob garbage collection, which frees the data of deleted blobs every 10 minutes by walking every block of
    /// every blob: after ten minutes of heavy writing it stalls every request for minutes. For long runs whose data is thrown away.
    /// </summary>
    public bool DisableGarbageCollection { get; init; }

    /// <summary>How long to wait for Azurite to accept connections on all three ports, not counting a first-use install.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
