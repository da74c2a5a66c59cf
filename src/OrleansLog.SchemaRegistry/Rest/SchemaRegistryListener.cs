using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansLog.SchemaRegistry.Rest;

/// <summary>The Kestrel endpoint the registry listens on, once bound; the REST API answers only there, not on the silo's other HTTP ports.</summary>
internal sealed class SchemaRegistryListener
{
    private ListenOptions? _listener;

    /// <summary>Whether a listener of its own was configured; without one the API answers on every endpoint the app maps it on.</summary>
    public bool IsConfigured => _listener is not null;

    /// <summary>The port the listener is bound to (the configured one, or the one chosen for port 0 once Kestrel has bound it).</summary>
    public int? Port => _listener?.IPEndPoint?.Port is { } port and > 0 ? port : null;

    /// <summary>The registry's base URL, for start-up logs: <c>http://127.0.0.1:8081</c>.</summary>
    public string? Url => _listener?.IPEndPoint is { } endpoint && Port is { } port
        ? $"http://{(endpoint.Address.Equals(System.Net.IPAddress.Any) ? "0.0.0.0" : endpoint.Address.ToString())}:{port}"
        : null;

    /// <summary>Records the Kestrel endpoint the registry was given.</summary>
    public void BoundTo(ListenOptions listener) => _listener = listener;

    /// <summary>Whether a request that arrived on <paramref name="localPort"/> is for the registry.</summary>
    public bool Serves(int localPort) => !IsConfigured || Port == localPort;
}
