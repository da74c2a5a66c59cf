using System.Net;

namespace OrleansLog.Kafka.Apis;

/// <summary>What the classic group handlers share.</summary>
internal static class ClassicGroupRequests
{
    /// <summary>The client's address as Kafka shows it in describe (<c>/10.0.0.7</c>).</summary>
    public static string Host(EndPoint? remote) => remote is IPEndPoint ip ? "/" + ip.Address : "";
}
