using System.Globalization;
using System.Net;
using System.Text;
using Azure.Data.Tables;

namespace OrleansLog.Clustering;

/// <summary>The layout of the membership table: per cluster (the partition key), one version row and one row per silo.</summary>
/// <remarks>
/// <para>
/// The version row (row key <see cref="VersionRowKey"/>) holds the table version as <c>MembershipVersion</c> (Int32); its
/// ETag is the table version's ETag.
/// </para>
/// <para>
/// A silo row has the silo address's parsable form as its row key (<c>10.0.0.4:11111@499162245</c>) and typed columns, so
/// the table reads well in Storage Explorer and can be filtered on the server: <c>Address</c> (IP, String), <c>Port</c>,
/// <c>Generation</c>, <c>ProxyPort</c>, <c>UpdateZone</c>, <c>FaultZone</c> (Int32), <c>Status</c> (the
/// <see cref="SiloStatus"/> name, String), <c>HostName</c>, <c>SiloName</c>, <c>RoleName</c> (String, absent when null),
/// <c>StartTime</c>, <c>IAmAliveTime</c> (DateTime, absent when unset). Suspicions are two parallel '|'-separated Strings,
/// <c>SuspectingSilos</c> (parsable silo addresses) and <c>SuspectingTimes</c> (ISO 8601 UTC), absent when there are none:
/// table properties are scalars, and one string keeps the votes of one row together.
/// </para>
/// <para>
/// <c>RowVersion</c> (String, a GUID) changes with every insert and update of the row but not with IAmAlive heartbeats; it
/// is the row ETag Orleans sees. The storage ETag changes with heartbeats too, and Orleans requires that a heartbeat not
/// invalidate a row it read.
/// </para>
/// </remarks>
internal static class MembershipRows
{
    public const string VersionRowKey = "VersionRow";
    public const string MembershipVersion = "MembershipVersion";
    public const string Address = "Address";
    public const string Generation = "Generation";
    public const string Status = "Status";
    public const string ProxyPort = "ProxyPort";
    public const string RowVersion = "RowVersion";

    private const string Port = "Port";
    private const string HostName = "HostName";
    private const string SiloName = "SiloName";
    private const string RoleName = "RoleName";
    private const string UpdateZone = "UpdateZone";
    private const string FaultZone = "FaultZone";
    private const string StartTime = "StartTime";
    private const string IAmAliveTime = "IAmAliveTime";
    private const string SuspectingSilos = "SuspectingSilos";
    private const string SuspectingTimes = "SuspectingTimes";
    private const char ListSeparator = '|';

    // Azure Table DateTime values start at 1601-01-01; earlier ones (default(DateTime)) are left out rather than rejected.
    private static readonly DateTime EarliestStorableTime = new(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The row key of a silo: its parsable address, which holds none of the characters keys forbid ('/', '\', '#', '?').</summary>
    public static string RowKey(SiloAddress silo) => silo.ToParsableString();

    public static TableEntity VersionRow(string clusterId, int version) => new(clusterId, VersionRowKey) { [MembershipVersion] = version };

    public static TableVersion ToTableVersion(TableEntity? versionRow) =>
        versionRow is null
            ? new TableVersion(0, string.Empty)
            : new TableVersion(versionRow.GetInt32(MembershipVersion) ?? 0, versionRow.ETag.ToString());

    public static TableEntity ToEntity(string clusterId, MembershipEntry entry)
    {
        var silo = entry.SiloAddress;
        var entity = new TableEntity(clusterId, RowKey(silo))
        {
            [Address] = silo.Endpoint.Address.ToString(),
            [Port] = silo.Endpoint.Port,
            [Generation] = silo.Generation,
            [Status] = entry.Status.ToString(),
            [ProxyPort] = entry.ProxyPort,
            [UpdateZone] = entry.UpdateZone,
            [FaultZone] = entry.FaultZone,
            [RowVersion] = Guid.NewGuid().ToString("N"),
        };
        SetIfPresent(entity, HostName, entry.HostName);
        SetIfPresent(entity, SiloName, entry.SiloName);
        SetIfPresent(entity, RoleName, entry.RoleName);
        SetIfPresent(entity, StartTime, entry.StartTime);
        SetIfPresent(entity, IAmAliveTime, entry.IAmAliveTime);
        if (entry.SuspectTimes is { Count: > 0 } suspects)
        {
            var silos = new StringBuilder();
            var times = new StringBuilder();
            foreach (var (suspecting, time) in suspects)
            {
                if (silos.Length > 0)
                {
                    silos.Append(ListSeparator);
                    times.Append(ListSeparator);
                }

                silos.Append(suspecting.ToParsableString());
                times.Append(ToUtc(time).ToString("O", CultureInfo.InvariantCulture));
            }

            entity[SuspectingSilos] = silos.ToString();
            entity[SuspectingTimes] = times.ToString();
        }

        return entity;
    }

    /// <summary>The merge that a heartbeat writes: the IAmAlive time alone.</summary>
    public static TableEntity ToIAmAliveEntity(string clusterId, MembershipEntry entry)
    {
        var entity = new TableEntity(clusterId, RowKey(entry.SiloAddress));
        SetIfPresent(entity, IAmAliveTime, entry.IAmAliveTime);
        return entity;
    }

    public static MembershipEntry ToEntry(TableEntity entity)
    {
        var address = entity.GetString(Address) ?? throw MissingColumn(entity, Address);
        var status = entity.GetString(Status) ?? throw MissingColumn(entity, Status);
        var entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Parse(address), entity.GetInt32(Port) ?? 0), entity.GetInt32(Generation) ?? 0),
            Status = Enum.Parse<SiloStatus>(status),
            ProxyPort = entity.GetInt32(ProxyPort) ?? 0,
            HostName = entity.GetString(HostName),
            SiloName = entity.GetString(SiloName),
            RoleName = entity.GetString(RoleName),
            UpdateZone = entity.GetInt32(UpdateZone) ?? 0,
            FaultZone = entity.GetInt32(FaultZone) ?? 0,
            StartTime = entity.GetDateTimeOffset(StartTime)?.UtcDateTime ?? default,
            IAmAliveTime = entity.GetDateTimeOffset(IAmAliveTime)?.UtcDateTime ?? default,
        };

        var silos = entity.GetString(SuspectingSilos);
        var times = entity.GetString(SuspectingTimes);
        if (!string.IsNullOrEmpty(silos) || !string.IsNullOrEmpty(times))
        {
            var siloParts = (silos ?? string.Empty).Split(ListSeparator);
            var timeParts = (times ?? string.Empty).Split(ListSeparator);
            if (siloParts.Length != timeParts.Length)
            {
                throw new FormatException(
                    $"Membership row '{entity.RowKey}' has {siloParts.Length} suspecting silos but {timeParts.Length} suspecting times.");
            }

            for (var i = 0; i < siloParts.Length; i++)
            {
                var time = DateTime.Parse(timeParts[i], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                entry.AddSuspector(SiloAddress.FromParsableString(siloParts[i]), ToUtc(time));
            }
        }

        return entry;
    }

    /// <summary>The row ETag Orleans sees: the row's <c>RowVersion</c>, which heartbeats leave alone.</summary>
    public static string ToRowETag(TableEntity entity) => entity.GetString(RowVersion) ?? string.Empty;

    private static void SetIfPresent(TableEntity entity, string name, string? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }

    private static void SetIfPresent(TableEntity entity, string name, DateTime value)
    {
        var utc = ToUtc(value);
        if (utc >= EarliestStorableTime)
        {
            entity[name] = new DateTimeOffset(utc);
        }
    }

    private static DateTime ToUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    private static FormatException MissingColumn(TableEntity entity, string column) =>
        new($"Membership row '{entity.RowKey}' in cluster '{entity.PartitionKey}' has no {column} column.");
}
