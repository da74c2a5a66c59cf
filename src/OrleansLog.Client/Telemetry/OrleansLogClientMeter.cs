namespace OrleansLog.Client.Telemetry;

/// <summary>The name of the meter the OrleansLog client's instruments report on, for adding to a metrics pipeline (OpenTelemetry's <c>AddMeter</c>).</summary>
public static class OrleansLogClientMeter
{
    /// <summary>The meter name, <c>OrleansLog.Client</c>.</summary>
    public const string Name = "OrleansLog.Client";
}
