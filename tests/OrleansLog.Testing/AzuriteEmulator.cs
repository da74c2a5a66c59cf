using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLog.Development;

namespace OrleansLog.Testing;

/// <summary>A local Azurite storage emulator, run from the npm package pinned in the repository's <c>azure</c> folder, for development and tests.</summary>
/// <remarks>
/// Azurite is started with Node.js on 127.0.0.1 and stopped (with its whole process tree) on
/// dispose, when this process exits normally, or when this process dies: Azurite runs under a
/// tiny wrapper that stops it once its standard input, a pipe held by this process, closes.
/// </remarks>
public sealed partial class AzuriteEmulator : IAsyncDisposable
{
    private const int MaxOutputLines = 200;
    private const int PortPickAttempts = 3;

    // Runs Azurite's own entry script in-process (process.argv[1] is that script, the rest are its
    // arguments) and shuts it down when standard input ends, so a parent killed without running
    // its exit handlers still takes Azurite with it. SIGTERM is emitted, not sent, so that the
    // same path works on Windows. Azurite's shutdown closes its servers and node then exits on
    // its own; the unref'd timer fires only if something still holds the process after 5 s.
    private const string WrapperScript =
        "process.stdin.on('end',()=>{process.emit('SIGTERM');setTimeout(()=>process.exit(0),5000).unref();});" +
        "process.stdin.on('error',()=>{});process.stdin.resume();require(process.argv[1]);";

    // Makes Azurite's blob garbage collector a no-op. It runs every 10 minutes (not configurable) and walks every block of every
    // blob; after a long, write-heavy run it holds the event loop so long that every request times out.
    private const string NoGarbageCollection =
        "require(require('path').join(require('path').dirname(process.argv[1]),'blob','gc','BlobGCManager.js')).default.prototype.markSweep=async function(){};";

    private readonly Process _process;
    private readonly ProcessOutputBuffer _output;
    private readonly ILogger _logger;
    private readonly bool _inMemory;
    private readonly EventHandler _onProcessExit;
    private int _disposed;

    private AzuriteEmulator(Process process, ProcessOutputBuffer output, ILogger logger, bool inMemory, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _output = output;
        _logger = logger;
        _inMemory = inMemory;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        ConnectionString = AzuriteInstallation.ConnectionStringFor(blobPort, queuePort, tablePort);
        _onProcessExit = (_, _) => AzuriteInstallation.KillProcessTree(_process);
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    /// <summary>The storage connection string of this instance: the development account and explicit loopback endpoints.</summary>
    public string ConnectionString { get; }

    /// <summary>The loopback port of the blob service.</summary>
    public int BlobPort { get; }

    /// <summary>The loopback port of the queue service.</summary>
    public int QueuePort { get; }

    /// <summary>The loopback port of the table service.</summary>
    public int TablePort { get; }

    /// <summary>Installs Azurite on first use, starts it and returns once its blob, queue and table ports accept connections.</summary>
    /// <param name="options">Where Azurite is pinned, which ports it uses and how it keeps data.</param>
    /// <param name="logger">Receives progress and Azurite's own output at debug level; null logs nothing.</param>
    /// <param name="cancellationToken">Stops waiting (and stops Azurite) when cancelled.</param>
    /// <returns>The running emulator; dispose it to stop Azurite.</returns>
    /// <exception cref="InvalidOperationException">Node.js or the Azurite package is missing, or Azurite did not start in time.</exception>
    public static async Task<AzuriteEmulator> StartAsync(AzuriteEmulatorOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.StartTimeout, TimeSpan.Zero, nameof(options.StartTimeout));
        ValidatePort(options.BlobPort, nameof(options.BlobPort));
        ValidatePort(options.QueuePort, nameof(options.QueuePort));
        ValidatePort(options.TablePort, nameof(options.TablePort));
        logger ??= NullLogger.Instance;

        var (node, script, packageDirectory) = await AzuriteInstallation.ResolveAsync(options.PackageDirectory, logger, cancellationToken).ConfigureAwait(false);

        string? dataDirectory = null;
        if (!options.InMemoryPersistence)
        {
            dataDirectory = Path.GetFullPath(options.DataDirectory ?? Path.Combine(".orleanslog", "azurite"));
            Directory.CreateDirectory(dataDirectory);
        }

        var picksPorts = options.BlobPort == 0 || options.QueuePort == 0 || options.TablePort == 0;
        for (var attempt = 1; ; attempt++)
        {
            var (blobPort, queuePort, tablePort) = ChoosePorts(options);
            try
            {
                return await LaunchAsync(node, script, packageDirectory, dataDirectory, blobPort, queuePort, tablePort, options, logger, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (AddressInUseException) when (picksPorts && attempt < PortPickAttempts)
            {
                // Another process took a port between our probe and Azurite's bind; pick again.
                LogRetryingPorts(logger, attempt);
            }
            catch (AddressInUseException exception)
            {
                throw new InvalidOperationException(exception.Message, exception);
            }
        }
    }

    /// <summary>Stops Azurite and its whole process tree, and waits until it has exited.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        if (!_inMemory && !_process.HasExited)
        {
            // Data on disk: let Azurite close its databases (the wrapper reacts to the closed input).
            _process.StandardInput.Close();
            using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(graceful.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LogGracefulStopTimedOut(_logger, _process.Id);
            }
        }

        AzuriteInstallation.KillProcessTree(_process);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        LogStopped(_logger, _process.Id);
        _process.Dispose();
    }

    private static async Task<AzuriteEmulator> LaunchAsync(
        string node,
        string script,
        string packageDirectory,
        string? dataDirectory,
        int blobPort,
        int queuePort,
        int tablePort,
        AzuriteEmulatorOptions options,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(node)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = dataDirectory ?? packageDirectory,
        };
        if (options.NodeHeapMegabytes is { } heap)
        {
            startInfo.ArgumentList.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--max-old-space-size={heap}"));
        }

        var wrapper = options.DisableGarbageCollection ? NoGarbageCollection + WrapperScript : WrapperScript;
        foreach (var argument in (string[])["--eval", wrapper, "--", script])
        {
            startInfo.ArgumentList.Add(argument);
        }

        AzuriteInstallation.AddAzuriteArguments(startInfo, blobPort, queuePort, tablePort, dataDirectory);

        var output = new ProcessOutputBuffer(MaxOutputLines);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => output.Add(e.Data, logger);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data, logger);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LogStarting(logger, process.Id, blobPort, queuePort, tablePort, dataDirectory ?? "memory");

        var emulator = new AzuriteEmulator(process, output, logger, dataDirectory is null, blobPort, queuePort, tablePort);
        try
        {
            await WaitUntilListeningAsync(emulator, options.StartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        LogStarted(logger, process.Id, blobPort, queuePort, tablePort);
        return emulator;
    }

    private static async Task WaitUntilListeningAsync(AzuriteEmulator emulator, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        int[] ports = [emulator.BlobPort, emulator.QueuePort, emulator.TablePort];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (emulator._process.HasExited)
            {
                // Let the output readers drain before quoting them.
                await emulator._process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                var text = emulator._output.Text();
                var message = $"Azurite exited with code {emulator._process.ExitCode} before it was listening on ports {string.Join(", ", ports)}. Its output:{Environment.NewLine}{text}";
                if (text.Contains("EADDRINUSE", StringComparison.Ordinal))
                {
                    throw new AddressInUseException(message);
                }

                throw new InvalidOperationException(message);
            }

            var listening = true;
            foreach (var port in ports)
            {
                if (!await LoopbackPorts.AcceptsConnectionsAsync(port, cancellationToken).ConfigureAwait(false))
                {
                    listening = false;
                    break;
                }
            }

            // A port may answer for another process while ours is failing to bind it: trust the
            // ports only while our process is still alive.
            if (listening && !emulator._process.HasExited)
            {
                return;
            }

            if (!listening && deadline.Elapsed > startTimeout)
            {
                throw new InvalidOperationException(
                    $"Azurite did not listen on ports {string.Join(", ", ports)} within {startTimeout.TotalSeconds:0.#} s. Its output:{Environment.NewLine}{emulator._output.Text()}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static (int Blob, int Queue, int Table) ChoosePorts(AzuriteEmulatorOptions options)
    {
        var taken = new HashSet<int> { options.BlobPort, options.QueuePort, options.TablePort };
        return (LoopbackPorts.ChoosePort(options.BlobPort, null, taken, out _), LoopbackPorts.ChoosePort(options.QueuePort, null, taken, out _), LoopbackPorts.ChoosePort(options.TablePort, null, taken, out _));
    }

    private static void ValidatePort(int port, string name)
    {
        if (port is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(name, port, $"{name} must be 0 (pick a free port) or a TCP port from 1 to {IPEndPoint.MaxPort}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Starting Azurite (process {ProcessId}) on blob {BlobPort}, queue {QueuePort}, table {TablePort}, data in {Data}")]
    private static partial void LogStarting(ILogger logger, int processId, int blobPort, int queuePort, int tablePort, string data);

    [LoggerMessage(Level = LogLevel.Information, Message = "Azurite (process {ProcessId}) is listening on 127.0.0.1: blob {BlobPort}, queue {QueuePort}, table {TablePort}")]
    private static partial void LogStarted(ILogger logger, int processId, int blobPort, int queuePort, int tablePort);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A port picked for Azurite was taken before Azurite bound it (attempt {Attempt}); picking new ports")]
    private static partial void LogRetryingPorts(ILogger logger, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Azurite (process {ProcessId}) did not stop within 5 s of being asked; killing it")]
    private static partial void LogGracefulStopTimedOut(ILogger logger, int processId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Azurite (process {ProcessId}) stopped")]
    private static partial void LogStopped(ILogger logger, int processId);

    /// <summary>Azurite could not bind one of its ports.</summary>
    private sealed class AddressInUseException(string message) : Exception(message);
}
