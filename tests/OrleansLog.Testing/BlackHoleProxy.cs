using System.Net;
using System.Net.Sockets;

namespace OrleansLog.Testing;

/// <summary>
/// A loopback TCP proxy in front of a storage endpoint that can be switched to a black hole: connections are still accepted and
/// requests still read, but nothing is forwarded and nothing answers, as with storage that hangs.
/// </summary>
public sealed class BlackHoleProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly int _targetPort;
    private readonly Task _accepting;
    private volatile bool _hanging;

    /// <summary>Starts forwarding to <paramref name="targetPort"/> on loopback.</summary>
    public BlackHoleProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The connection string of an Azurite blob endpoint reached through this proxy (the proxy forwards to its blob port).</summary>
    public string BlobConnectionString => OrleansLog.Development.AzuriteInstallation.BlobConnectionStringFor(Port);

    /// <summary>Stops answering: requests on open and new connections go nowhere.</summary>
    public void Hang() => _hanging = true;

    /// <summary>Forwards again; connections that were hung are closed (their requests were lost halfway) so clients open new ones.</summary>
    public void Resume()
    {
        _hanging = false;
        CloseAll();
    }

    /// <summary>Stops the proxy and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        CloseAll();
    }

    private void CloseAll()
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            TcpClient? upstream = null;
            if (!_hanging)
            {
                upstream = new TcpClient();
                try
                {
                    await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                }
                catch (SocketException)
                {
                    upstream.Dispose();
                    client.Dispose();
                    continue;
                }
            }

            lock (_connections)
            {
                _connections.Add(client);
                if (upstream is not null)
                {
                    _connections.Add(upstream);
                }
            }

            _ = PumpAsync(client, upstream);
            if (upstream is not null)
            {
                _ = PumpAsync(upstream, client);
            }
        }
    }

    // Copies from one side to the other while not hanging; while hanging, reads and drops (or, without a target, only reads).
    private async Task PumpAsync(TcpClient from, TcpClient? to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var source = from.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (!_hanging && to is not null)
                {
                    await to.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }
        finally
        {
            if (!_hanging)
            {
                from.Dispose();
                to?.Dispose();
            }
        }
    }
}
