using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansLog.Kafka.Hosting;

namespace OrleansLog.Kafka.Listener;

/// <summary>
/// This silo as a Kafka broker: its node id (stable while the silo lives: it is derived from the silo's address and generation) and
/// the endpoint clients are told to use.
/// </summary>
internal sealed class KafkaBroker(ILocalSiloDetails silo, IOptions<KafkaListenerOptions> options)
{
    private ListenOptions? _listener;

    /// <summary>The broker's node id.</summary>
    public int NodeId { get; } = silo.SiloAddress.GetConsistentHashCode() & int.MaxValue;

    /// <summary>The host clients connect to.</summary>
    public string Host => options.Value.AdvertisedHost is { Length: > 0 } host
        ? host
        : IPAddress.TryParse(options.Value.ListenAddress, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            ? silo.SiloAddress.Endpoint.Address.ToString()
            : options.Value.ListenAddress;

    /// <summary>The port clients connect to: the advertised one, or the one the listener is bound to.</summary>
    public int Port => options.Value.AdvertisedPort ?? (_listener?.IPEndPoint?.Port is { } bound and > 0 ? bound : options.Value.Port);

    /// <summary>The silo's id in Orleans, for logs.</summary>
    public SiloAddress SiloAddress => silo.SiloAddress;

    /// <summary>Remembers the listener, whose port is known only once Kestrel has bound it (port 0 picks a free one).</summary>
    internal void BoundTo(ListenOptions listener) => _listener = listener;
}
