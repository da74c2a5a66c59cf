using System.Net;
using System.Net.Sockets;
using OrleansLog.Development;

namespace OrleansLog.ClusterTests.Infrastructure;

/// <summary>A loopback TCP endpoint that accepts connections and reads what they send but never answers: a storage endpoint that hangs.</summary>
public sealed class SilentTcpListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private int _open;
    private int _maxOpen;

    /// <summary>Starts listening on a free loopback port.</summary>
    public SilentTcpListener()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A storage connection string whose blob endpoint is this listener.</summary>
    public string ConnectionString => AzuriteInstallation.BlobConnectionStringFor(Port);

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>The most connections that were open at once.</summary>
    public int MaxOpen => Volatile.Read(ref _maxOpen);

    /// <summary>Stops listening and closes every connection.</summary>
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

        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var connection = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_connections)
            {
                _connections.Add(connection);
                Accepted++;
            }

            var open = Interlocked.Increment(ref _open);
            InterlockedMax(ref _maxOpen, open);
            _ = DrainAsync(connection);
        }
    }

    // Reads and discards the request, never writes a byte back; counts the connection closed when the client gives up on it.
    private async Task DrainAsync(TcpClient connection)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var stream = connection.GetStream();
            while (await stream.ReadAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
