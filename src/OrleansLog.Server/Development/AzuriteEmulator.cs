using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansLog.Development;

/// <summary>A local Azurite storage emulator, run from the npm package pinned in the repository's <c>azure</c> folder, for development and tests.</summary>
/// <remarks>
/// Azurite is started with Node.js on 127.0.0.1 and stopped (with its whole process tree) on
/// dispose, when this process exits normally, or when this process dies: Azurite runs under a
/// tiny wrapper that stops it once its standard input, a pipe held by this process, closes.
/// </remarks>
public sealed partial class AzuriteEmulator : IAsyncDisposable
{
    /// <summary>The name of the storage account every Azurite instance serves.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The well-known, public key of Azurite's development storage account.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

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

    private readonly Process _process;
    private readonly OutputBuffer _output;
    private readonly ILogger _logger;
    private readonly bool _inMemory;
    private readonly EventHandler _onProcessExit;
    private int _disposed;

    private AzuriteEmulator(Process process, OutputBuffer output, ILogger logger, bool inMemory, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _output = output;
        _logger = logger;
        _inMemory = inMemory;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        ConnectionString = ConnectionStringFor(blobPort, queuePort, tablePort);
        _onProcessExit = (_, _) => KillProcessTree(_process);
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

        var (node, script, packageDirectory) = await ResolveAsync(options.PackageDirectory, logger, cancellationToken).ConfigureAwait(false);

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
                return await LaunchAsync(node, script, packageDirectory, dataDirectory, blobPort, queuePort, tablePort, options.StartTimeout, logger, cancellationToken)
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

        KillProcessTree(_process);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        LogStopped(_logger, _process.Id);
        _process.Dispose();
    }

    /// <summary>Finds Node.js (18 or later) and Azurite's entry script, installing the pinned package on first use.</summary>
    internal static async Task<(string Node, string Script, string PackageDirectory)> ResolveAsync(string? packageDirectoryOption, ILogger logger, CancellationToken cancellationToken)
    {
        var node = FindOnPath("node") ?? throw new InvalidOperationException(NodeMissingMessage("Node.js was not found on PATH."));
        await CheckNodeVersionAsync(node, cancellationToken).ConfigureAwait(false);

        var packageDirectory = packageDirectoryOption is { } configured
            ? Path.GetFullPath(configured)
            : FindPackageDirectory() ?? throw new InvalidOperationException(
                "Could not find the folder named 'azure' with a package.json that depends on azurite, searching upward from " +
                $"'{Directory.GetCurrentDirectory()}' and from '{AppContext.BaseDirectory}'. Set the PackageDirectory option.");
        if (!File.Exists(Path.Combine(packageDirectory, "package.json")))
        {
            throw new InvalidOperationException($"The Azurite package directory '{packageDirectory}' has no package.json.");
        }

        await EnsureInstalledAsync(packageDirectory, logger, cancellationToken).ConfigureAwait(false);
        var script = FindAzuriteScript(packageDirectory);

        return (node, script, packageDirectory);
    }

    /// <summary>The arguments after Azurite's script: loopback hosts and ports, no access log, and where data lives (null: memory).</summary>
    internal static void AddAzuriteArguments(ProcessStartInfo startInfo, int blobPort, int queuePort, int tablePort, string? dataDirectory)
    {
        foreach (var (service, port) in (ReadOnlySpan<(string, int)>)[("blob", blobPort), ("queue", queuePort), ("table", tablePort)])
        {
            startInfo.ArgumentList.Add($"--{service}Host");
            startInfo.ArgumentList.Add("127.0.0.1");
            startInfo.ArgumentList.Add($"--{service}Port");
            startInfo.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // No --debug: the debug log is off. --silent turns off the per-request access log.
        foreach (var flag in (string[])["--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry", "--silent"])
        {
            startInfo.ArgumentList.Add(flag);
        }

        if (dataDirectory is null)
        {
            startInfo.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            startInfo.ArgumentList.Add("--location");
            startInfo.ArgumentList.Add(dataDirectory);
        }
    }

    /// <summary>The connection string of the development account on the given loopback ports.</summary>
    internal static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        "DefaultEndpointsProtocol=http;" +
        $"AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    private static async Task<AzuriteEmulator> LaunchAsync(
        string node,
        string script,
        string packageDirectory,
        string? dataDirectory,
        int blobPort,
        int queuePort,
        int tablePort,
        TimeSpan startTimeout,
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
        foreach (var argument in (string[])["--eval", WrapperScript, "--", script])
        {
            startInfo.ArgumentList.Add(argument);
        }

        AddAzuriteArguments(startInfo, blobPort, queuePort, tablePort, dataDirectory);

        var output = new OutputBuffer(MaxOutputLines);
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
            await WaitUntilListeningAsync(emulator, startTimeout, cancellationToken).ConfigureAwait(false);
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
                if (!await AcceptsConnectionsAsync(port, cancellationToken).ConfigureAwait(false))
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

    private static (int Blob, int Queue, int Table) ChoosePorts(AzuriteEmulatorOptions options)
    {
        var taken = new HashSet<int> { options.BlobPort, options.QueuePort, options.TablePort };
        return (Choose(options.BlobPort), Choose(options.QueuePort), Choose(options.TablePort));

        int Choose(int configured)
        {
            if (configured != 0)
            {
                // A busy port would still answer our readiness probe, for the wrong process.
                if (!IsFree(configured))
                {
                    throw new InvalidOperationException($"Port {configured} on 127.0.0.1, configured for Azurite, is already in use; choose another or use 0 to pick a free one.");
                }

                return configured;
            }

            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (taken.Add(port))
                {
                    return port;
                }
            }
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

    private static void ValidatePort(int port, string name)
    {
        if (port is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(name, port, $"{name} must be 0 (pick a free port) or a TCP port from 1 to {IPEndPoint.MaxPort}.");
        }
    }

    private static async Task EnsureInstalledAsync(string packageDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        if (IsInstalled(packageDirectory))
        {
            return;
        }

        // Two test processes may start at once: one installs, the other waits for it.
        await using var installLock = await AcquireInstallLockAsync(packageDirectory, cancellationToken).ConfigureAwait(false);
        if (IsInstalled(packageDirectory))
        {
            return;
        }

        var npm = FindOnPath("npm") ?? throw new InvalidOperationException(NodeMissingMessage("npm was not found on PATH, so Azurite cannot be installed."));
        LogInstalling(logger, packageDirectory);
        var startInfo = new ProcessStartInfo(npm)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = packageDirectory,
        };
        foreach (var argument in (string[])["ci", "--no-audit", "--no-fund"])
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new OutputBuffer(MaxOutputLines);
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output.Add(e.Data, logger);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data, logger);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillProcessTree(process);
            throw;
        }

        if (process.ExitCode != 0 || !IsInstalled(packageDirectory))
        {
            throw new InvalidOperationException(
                $"'npm ci --no-audit --no-fund' in '{packageDirectory}' failed with exit code {process.ExitCode}. Its output:{Environment.NewLine}{output.Text()}");
        }

        LogInstalled(logger, packageDirectory);
    }

    private static async Task<FileStream> AcquireInstallLockAsync(string packageDirectory, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(packageDirectory)), 0, 8);
        var path = Path.Combine(Path.GetTempPath(), $"orleanslog-azurite-install-{hash}.lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool IsInstalled(string packageDirectory)
    {
        var bin = Path.Combine(packageDirectory, "node_modules", ".bin");
        return File.Exists(Path.Combine(bin, OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite"))
            && File.Exists(Path.Combine(packageDirectory, "node_modules", "azurite", "package.json"));
    }

    private static string FindAzuriteScript(string packageDirectory)
    {
        // Run the entry script the package itself names, with node, rather than the .bin shim:
        // the same on every platform and no shell between us and Azurite.
        var packageRoot = Path.Combine(packageDirectory, "node_modules", "azurite");
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(packageRoot, "package.json")));
        if (manifest.RootElement.TryGetProperty("bin", out var bin)
            && bin.ValueKind == JsonValueKind.Object
            && bin.TryGetProperty("azurite", out var entry)
            && entry.GetString() is { Length: > 0 } relative)
        {
            var script = Path.GetFullPath(Path.Combine(packageRoot, relative));
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new InvalidOperationException($"The Azurite package in '{packageRoot}' names no 'azurite' entry script that exists; run 'npm ci' in '{packageDirectory}'.");
    }

    private static string? FindPackageDirectory()
    {
        foreach (var start in (string[])[Directory.GetCurrentDirectory(), AppContext.BaseDirectory])
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "azure");
                if (DependsOnAzurite(Path.Combine(candidate, "package.json")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static bool DependsOnAzurite(string packageJson)
    {
        if (!File.Exists(packageJson))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(packageJson));
            foreach (var section in (string[])["dependencies", "devDependencies"])
            {
                if (document.RootElement.TryGetProperty(section, out var dependencies)
                    && dependencies.ValueKind == JsonValueKind.Object
                    && dependencies.TryGetProperty("azurite", out _))
                {
                    return true;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            // Some other, malformed package.json: not ours; keep searching upward.
            return false;
        }
    }

    private static async Task CheckNodeVersionAsync(string node, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(node, "--version")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException(NodeMissingMessage($"'{node}' could not be started."));
        var version = (await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).Trim();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var major = version.TrimStart('v').Split('.')[0];
        if (!int.TryParse(major, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 18)
        {
            throw new InvalidOperationException(NodeMissingMessage($"'{node}' reports version '{version}'."));
        }
    }

    private static string NodeMissingMessage(string problem) =>
        $"{problem} The Azurite storage emulator needs Node.js 18 or later with npm: install them with 'apt-get install nodejs npm' " +
        "(Debian/Ubuntu) or from https://nodejs.org, and make sure 'node' and 'npm' are on PATH.";

    internal static string? FindOnPath(string name)
    {
        string[] suffixes = OperatingSystem.IsWindows() ? [".exe", ".cmd", ".bat"] : [""];
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var suffix in suffixes)
            {
                var candidate = Path.Combine(directory.Trim('"'), name + suffix);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    internal static void KillProcessTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited (or never started): nothing to kill.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Installing Azurite on first use: 'npm ci' in {PackageDirectory}")]
    private static partial void LogInstalling(ILogger logger, string packageDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Installed Azurite in {PackageDirectory}")]
    private static partial void LogInstalled(ILogger logger, string packageDirectory);

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "azurite: {Line}")]
    private static partial void LogOutputLine(ILogger logger, string line);

    /// <summary>Keeps the last lines a child process printed, to quote them in error messages.</summary>
    private sealed class OutputBuffer(int capacity)
    {
        private readonly Queue<string> _lines = new();

        public void Add(string? line, ILogger logger)
        {
            if (line is null)
            {
                return;
            }

            LogOutputLine(logger, line);
            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }
            }
        }

        public string Text()
        {
            lock (_lines)
            {
                return _lines.Count == 0 ? "(nothing)" : string.Join(Environment.NewLine, _lines);
            }
        }
    }

    /// <summary>Azurite could not bind one of its ports.</summary>
    private sealed class AddressInUseException(string message) : Exception(message);
}
