namespace OrleansLog.Development;

/// <summary>What <see cref="LocalAzurite.StopAsync"/> did.</summary>
/// <param name="Outcome">Whether Azurite was running, stopped gracefully or had to be killed.</param>
/// <param name="ProcessId">The process that was stopped; 0 when none was recorded.</param>
/// <param name="Saved">Whether Azurite reported that its blob service closed (and so saved its metadata) before it exited.</param>
public sealed record LocalAzuriteStopResult(LocalAzuriteStopOutcome Outcome, int ProcessId, bool Saved);
