using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansLog.Development;

/// <summary>
/// The long-lived Azurite that a local silo keeps its data in: started once per data directory as a background process of its
/// own, reused by every later silo start, and stopped only by <see cref="StopAsync"/>.
/// </summary>
/// <remarks>
/// Azurite keeps its metadata (which blocks an append blob holds, grain state, membership rows) in LokiJS files that it saves
/// every 5 s and when it shuts down on SIGTERM or SIGINT. Tied to the silo, a silo crash took Azurite down before its next
/// save and lost acknowledged appends. Detached in a session of its own, Azurite outlives silo crashes, restarts and Ctrl+C
/// in the silo's terminal; only a crash of Azurite itself can lose its last 5 s, and partitions report that loudly.
/// </remarks>
public sealed partial class LocalAzurite
{
    /// <summary>The file in the data directory that records the running Azurite's process and ports.</summary>
    public const string ProcessFileName = "orleanslog-azurite.json";

    /// <summary>The file in the data directory that receives Azurite's own output.</summary>
    public const string LogFileName = "orleanslog-azurite.log";

    /// <summary>What Azurite prints once its blob service has closed and saved its metadata.</summary>
    internal const string BlobClosedLine = "Azurite Blob service successfully closed";

    private const string LockFileName = "orleanslog-azurite.lock";
    private const int PortPickAttempts = 3;

    // No standard input to watch: this Azurite must outlive the process that started it. Azurite's own SIGTERM handler closes
    // its servers and saves its databases; the unref'd timer only ends a process that something still holds after 30 s.
    private const string WrapperScript =
        "process.once('SIGTERM',()=>setTimeout(()=>process.exit(0),30000).unref());require(process.argv[1]);";

    private static readonly JsonSerializerOptions RecordJson = new() { WriteIndented = true };

    private readonly ProcessRecord _record;

    private LocalAzurite(ProcessRecord record, string dataDirectory, bool reused)
    {
        _record = record;
        DataDirectory = dataDirectory;
        Reused = reused;
        ConnectionString = AzuriteInstallation.ConnectionStringFor(record.BlobPort, record.QueuePort, record.TablePort);
    }

    /// <summary>The operating system's id of the Azurite process.</summary>
    public int ProcessId => _record.ProcessId;

    /// <summary>The loopback port of the blob service.</summary>
    public int BlobPort => _record.BlobPort;

    /// <summary>The loopback port of the queue service.</summary>
    public int QueuePort => _record.QueuePort;

    /// <summary>The loopback port of the table service.</summary>
    public int TablePort => _record.TablePort;

    /// <summary>The full path of the folder Azurite keeps its data in.</summary>
    public string DataDirectory { get; }

    /// <summary>The storage connection string of this instance: the development account and explicit loopback endpoints.</summary>
    public string ConnectionString { get; }

    /// <summary>True when an Azurite started earlier was found running and reused; false when this call started it.</summary>
    public bool Reused { get; }

    /// <summary>The file receiving Azurite's output.</summary>
    public string LogPath => Path.Combine(DataDirectory, LogFileName);

    /// <summary>Whether the Azurite process is still alive.</summary>
    public bool IsRunning => IsAlive(_record);

    /// <summary>Whether <see cref="StopAsync"/> stopped this Azurite, as opposed to a crash.</summary>
    public bool WasStopped => ReadRecord(DataDirectory) is not { } record || (record.ProcessId == _record.ProcessId && record.Stopped);

    /// <summary>Returns the Azurite running for the options' data directory, or starts one (installing Azurite on first use) and waits until it listens.</summary>
    /// <exception cref="InvalidOperationException">Node.js or the Azurite package is missing, a configured port is taken, or Azurite did not start in time.</exception>
    public static async Task<LocalAzurite> EnsureRunningAsync(LocalAzuriteOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory, nameof(options.DataDirectory));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.StartTimeout, TimeSpan.Zero, nameof(options.StartTimeout));
        logger ??= NullLogger.Instance;
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);

        // Two silos started at once over one data directory must share one Azurite, not start two.
        await using var guard = await LockAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
        var previous = ReadRecord(dataDirectory);
        if (previous is { Stopped: false } && await IsServingAsync(previous, cancellationToken).ConfigureAwait(false))
        {
            LogReused(logger, previous.ProcessId, previous.BlobPort, previous.QueuePort, previous.TablePort, dataDirectory);
            return new LocalAzurite(previous, dataDirectory, reused: true);
        }

        var (node, script, _) = await AzuriteInstallation.ResolveAsync(options.PackageDirectory, logger, cancellationToken).ConfigureAwait(false);
        var logPath = Path.Combine(dataDirectory, LogFileName);
        for (var attempt = 1; ; attempt++)
        {
            var (blobPort, queuePort, tablePort, picked) = ChoosePorts(options, previous);
            var logStart = File.Exists(logPath) ? new FileInfo(logPath).Length : 0;
            var processId = await LaunchAsync(node, script, dataDirectory, logPath, blobPort, queuePort, tablePort, cancellationToken).ConfigureAwait(false);
            var record = new ProcessRecord(processId, StartTimeOf(processId), blobPort, queuePort, tablePort);
            var failure = await WaitUntilListeningAsync(record, options.StartTimeout, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                WriteRecord(dataDirectory, record);
                LogStarted(logger, processId, blobPort, queuePort, tablePort, dataDirectory);
                return new LocalAzurite(record, dataDirectory, reused: false);
            }

            Kill(record);
            var output = ReadLogFrom(logPath, logStart);
            if (picked && attempt < PortPickAttempts && output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                // Another process took a port between our probe and Azurite's bind; pick again.
                continue;
            }

            throw new InvalidOperationException($"{failure} Its output ({logPath}):{Environment.NewLine}{output}");
        }
    }

    /// <summary>Returns the Azurite recorded as running for <paramref name="dataDirectory"/> if it is alive and listening, else null.</summary>
    public static async Task<LocalAzurite?> FindRunningAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        var record = ReadRecord(dataDirectory);
        return record is { Stopped: false } && await IsServingAsync(record, cancellationToken).ConfigureAwait(false)
            ? new LocalAzurite(record, dataDirectory, reused: true)
            : null;
    }

    /// <summary>
    /// Stops the Azurite running for <paramref name="dataDirectory"/> the way that keeps its data: SIGTERM, on which it saves its
    /// metadata and exits. Waits up to <paramref name="timeout"/>, then kills it.
    /// </summary>
    public static async Task<LocalAzuriteStopResult> StopAsync(string dataDirectory, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        if (!Directory.Exists(dataDirectory))
        {
            return new LocalAzuriteStopResult(LocalAzuriteStopOutcome.NotRunning, 0, false);
        }

        await using var guard = await LockAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
        var record = ReadRecord(dataDirectory);
        if (record is null || record.Stopped || !IsAlive(record))
        {
            return new LocalAzuriteStopResult(LocalAzuriteStopOutcome.NotRunning, 0, false);
        }

        var logPath = Path.Combine(dataDirectory, LogFileName);
        var logStart = File.Exists(logPath) ? new FileInfo(logPath).Length : 0;
        await TerminateAsync(record.ProcessId, cancellationToken).ConfigureAwait(false);
        var deadline = Stopwatch.StartNew();
        while (IsAlive(record) && deadline.Elapsed < timeout)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        var outcome = LocalAzuriteStopOutcome.Stopped;
        if (IsAlive(record))
        {
            Kill(record);
            outcome = LocalAzuriteStopOutcome.Killed;
        }

        // The record stays, marked stopped: the next start takes the same ports, and a silo's monitor does not restart it.
        WriteRecord(dataDirectory, record with { Stopped = true });
        var saved = ReadLogFrom(logPath, logStart).Contains(BlobClosedLine, StringComparison.Ordinal);
        return new LocalAzuriteStopResult(outcome, record.ProcessId, saved);
    }

    private static async Task<int> LaunchAsync(
        string node, string script, string dataDirectory, string logPath, int blobPort, int queuePort, int tablePort, CancellationToken cancellationToken)
    {
        ProcessStartInfo startInfo;
        if (OperatingSystem.IsWindows())
        {
            // A Windows child is not stopped with its parent; it only needs no window and no pipes to us.
            startInfo = new ProcessStartInfo(node) { UseShellExecute = false, CreateNoWindow = true, WorkingDirectory = dataDirectory };
        }
        else
        {
            // The shell starts Azurite in the background and exits: Azurite's parent becomes init, so killing the silo's process
            // tree leaves it alone; setsid gives it a session of its own, so Ctrl+C and a closed terminal do not reach it.
            // Its output goes to a file: a pipe to a dead silo would break its next write.
            var detach = AzuriteInstallation.FindOnPath("setsid") is null ? string.Empty : "setsid ";
            startInfo = new ProcessStartInfo("/bin/sh")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = dataDirectory,
            };
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add(detach + "\"$@\" </dev/null >>\"$0\" 2>&1 & echo $!");
            startInfo.ArgumentList.Add(logPath);
            startInfo.ArgumentList.Add(node);
        }

        foreach (var argument in (string[])["--eval", WrapperScript, "--", script])
        {
            startInfo.ArgumentList.Add(argument);
        }

        AzuriteInstallation.AddAzuriteArguments(startInfo, blobPort, queuePort, tablePort, dataDirectory);
        if (OperatingSystem.IsWindows())
        {
            using var direct = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{node}' could not be started.");
            return direct.Id;
        }

        using var shell = Process.Start(startInfo) ?? throw new InvalidOperationException("/bin/sh could not be started.");
        var printed = (await shell.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).Trim();
        var error = await shell.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await shell.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return int.TryParse(printed, NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
            ? processId
            : throw new InvalidOperationException($"Starting Azurite in the background printed '{printed}' instead of its process id. {error}");
    }

    // Returns null once all three ports accept connections while the process lives, or why it did not.
    private static async Task<string?> WaitUntilListeningAsync(ProcessRecord record, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (!IsAlive(record))
            {
                return $"Azurite (process {record.ProcessId}) exited before it was listening on ports {record.BlobPort}, {record.QueuePort}, {record.TablePort}.";
            }

            if (await IsServingAsync(record, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            if (deadline.Elapsed > timeout)
            {
                return $"Azurite (process {record.ProcessId}) did not listen on ports {record.BlobPort}, {record.QueuePort}, {record.TablePort} within {timeout.TotalSeconds:0.#} s.";
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> IsServingAsync(ProcessRecord record, CancellationToken cancellationToken)
    {
        foreach (var port in (int[])[record.BlobPort, record.QueuePort, record.TablePort])
        {
            if (!await LoopbackPorts.AcceptsConnectionsAsync(port, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        // A port may answer for another process: trust the ports only while the recorded process lives.
        return IsAlive(record);
    }

    private static (int Blob, int Queue, int Table, bool Picked) ChoosePorts(LocalAzuriteOptions options, ProcessRecord? previous)
    {
        // The previous instance's ports first, so tools pointed at this emulator keep working across restarts.
        var taken = new HashSet<int>();
        var blob = LoopbackPorts.ChoosePort(options.BlobPort, previous?.BlobPort, taken, out var pickedBlob);
        var queue = LoopbackPorts.ChoosePort(options.QueuePort, previous?.QueuePort, taken, out var pickedQueue);
        var table = LoopbackPorts.ChoosePort(options.TablePort, previous?.TablePort, taken, out var pickedTable);
        return (blob, queue, table, pickedBlob || pickedQueue || pickedTable);
    }

    private static bool IsAlive(ProcessRecord record)
    {
        try
        {
            using var process = Process.GetProcessById(record.ProcessId);
            if (process.HasExited)
            {
                return false;
            }

            // A recycled process id belongs to another program: the start time tells them apart.
            return Math.Abs((process.StartTime.ToUniversalTime() - record.StartedAt).TotalSeconds) < 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static DateTime StartTimeOf(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.StartTime.ToUniversalTime();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone: the wait that follows reports it with Azurite's output.
            return DateTime.MinValue;
        }
    }

    private static async Task TerminateAsync(int processId, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            // Windows has no SIGTERM for a console-less process: it is killed, and loses what it saved less than 5 s ago.
            using var process = Process.GetProcessById(processId);
            process.Kill();
            return;
        }

        var start = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add("-TERM");
        start.ArgumentList.Add(processId.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(start) ?? throw new InvalidOperationException("'kill' could not be started.");
        await kill.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Kill(ProcessRecord record)
    {
        try
        {
            using var process = Process.GetProcessById(record.ProcessId);
            if (IsAlive(record))
            {
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already exited.
        }
    }

    private static async Task<FileStream> LockAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataDirectory, LockFileName);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static ProcessRecord? ReadRecord(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, ProcessFileName);
        try
        {
            return JsonSerializer.Deserialize<ProcessRecord>(File.ReadAllBytes(path), RecordJson);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    private static void WriteRecord(string dataDirectory, ProcessRecord record)
    {
        // Written whole and renamed into place, so a reader never sees half a record.
        var path = Path.Combine(dataDirectory, ProcessFileName);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(record, RecordJson));
        File.Move(temporary, path, overwrite: true);
    }

    private static string ReadLogFrom(string logPath, long start)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Position = Math.Min(start, stream.Length);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd().Trim();
            return text.Length == 0 ? "(nothing)" : text;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return "(nothing)";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reusing Azurite (process {ProcessId}) on 127.0.0.1: blob {BlobPort}, queue {QueuePort}, table {TablePort}, data in {DataDirectory}")]
    private static partial void LogReused(ILogger logger, int processId, int blobPort, int queuePort, int tablePort, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started Azurite (process {ProcessId}) on 127.0.0.1: blob {BlobPort}, queue {QueuePort}, table {TablePort}, data in {DataDirectory}")]
    private static partial void LogStarted(ILogger logger, int processId, int blobPort, int queuePort, int tablePort, string dataDirectory);

    /// <summary>What identifies a running Azurite: its process (id and start time, since ids are recycled) and its ports; <c>Stopped</c> once <see cref="StopAsync"/> ended it.</summary>
    internal sealed record ProcessRecord(int ProcessId, DateTime StartedAt, int BlobPort, int QueuePort, int TablePort, bool Stopped = false);
}
