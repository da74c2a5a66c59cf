using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace OrleansLog.Development;

/// <summary>Finds Node.js and the Azurite package pinned in the repository's <c>azure</c> folder, installs it on first use, and builds Azurite's command line.</summary>
internal static partial class AzuriteInstallation
{
    private const int MaxOutputLines = 200;

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

    /// <summary>The name of the storage account every Azurite instance serves.</summary>
    internal const string AccountName = "devstoreaccount1";

    /// <summary>The well-known, public key of Azurite's development storage account.</summary>
    internal const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The connection string of the development account with only a blob endpoint, on loopback port <paramref name="blobPort"/>.</summary>
    internal static string BlobConnectionStringFor(int blobPort) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};";

    /// <summary>The connection string of the development account on the given loopback ports.</summary>
    internal static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        "DefaultEndpointsProtocol=http;" +
        $"AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    /// <summary>Kills <paramref name="process"/> and its children; a process that already exited is left alone.</summary>
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

    internal static async Task EnsureInstalledAsync(string packageDirectory, ILogger logger, CancellationToken cancellationToken)
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

        var output = new ProcessOutputBuffer(MaxOutputLines);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Installing Azurite on first use: 'npm ci' in {PackageDirectory}")]
    private static partial void LogInstalling(ILogger logger, string packageDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Installed Azurite in {PackageDirectory}")]
    private static partial void LogInstalled(ILogger logger, string packageDirectory);
}
