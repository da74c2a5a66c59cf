namespace OrleansLog.Hosting;

/// <summary>The name of the meter OrleansLog's silo-side instruments report on, for adding to a metrics pipeline (OpenTelemetry's <c>AddMeter</c>).</summary>
public static class OrleansLogMeter
{
    /// <summary>The meter name, <c>OrleansLog</c>.</summary>
    public const string Name = "OrleansLog";
}
