namespace OrleansLog.Development;

/// <summary>How <see cref="LocalAzurite.StopAsync"/> ended.</summary>
public enum LocalAzuriteStopOutcome
{
    /// <summary>No Azurite was running for the data directory.</summary>
    NotRunning,

    /// <summary>Azurite shut down on SIGTERM, saving its metadata first.</summary>
    Stopped,

    /// <summary>Azurite did not exit in time and was killed; metadata changed in its last 5 s may be lost.</summary>
    Killed,
}
