using System.Net;
using System.Net.Sockets;

namespace OrleansLog.Development;

/// <summary>Loopback port checks for the Azurite launchers: whether a port is free, whether it accepts connections, and choosing one.</summary>
internal static class LoopbackPorts
{
    internal static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// The configured port (which must be free), else <paramref name="preferred"/> when it is free, else a free port not in
    /// <paramref name="taken"/>; <paramref name="picked"/> says whether a free port was picked (so a lost race may pick again).
    /// </summary>
    internal static int ChoosePort(int configured, int? preferred, HashSet<int> taken, out bool picked)
    {
        picked = false;
        if (configured != 0)
        {
            // A busy port would still answer our readiness probe, for the wrong process.
            if (!IsFree(configured))
            {
                throw new InvalidOperationException($"Port {configured} on 127.0.0.1, configured for Azurite, is already in use; choose another or use 0 to pick a free one.");
            }

            taken.Add(configured);
            return configured;
        }

        if (preferred is { } port && port != 0 && taken.Add(port) && IsFree(port))
        {
            return port;
        }

        picked = true;
        while (true)
        {
            var free = FreePort();
            if (taken.Add(free))
            {
                return free;
            }
        }
    }

    // Below the ephemeral ranges of Linux (32768-60999), Windows and macOS (49152-65535): a port the operating system hands
    // out for bind(0) or an outgoing connection could be taken again by any process between our check and the real listener
    // binding it, which a busy test run did hit.
    private const int FirstPickedPort = 20000;
    private const int PickedPortCount = 12000;

    private static int s_nextPick = Random.Shared.Next(PickedPortCount);

    /// <summary>
    /// A free loopback port that no earlier call in this process returned lately: the calls walk a range outside the
    /// ephemeral ports from a random start, so processes picking at the same time rarely meet.
    /// </summary>
    internal static int FreePort()
    {
        for (var attempt = 0; attempt < PickedPortCount; attempt++)
        {
            var port = FirstPickedPort + ((Interlocked.Increment(ref s_nextPick) & int.MaxValue) % PickedPortCount);
            if (IsFreeExclusively(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free port on 127.0.0.1 between {FirstPickedPort} and {FirstPickedPort + PickedPortCount - 1}.");
    }

    // Without SO_REUSEADDR: a port with connections still in TIME_WAIT is skipped, since not every listener binds past them.
    private static bool IsFreeExclusively(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static bool IsFree(int port)
    {
        try
        {
            // SO_REUSEADDR, as Node.js binds: connections of a process that just stopped (TIME_WAIT) do not hold the port for
            // it, only a listener does.
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
