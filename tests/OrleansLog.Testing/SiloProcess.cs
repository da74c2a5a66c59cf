using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansLog.Client.Hosting;

namespace OrleansLog.Testing;

/// <summary>An OrleansLog silo running as its own process (the real executable), so that a test can kill it like a crash.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private SiloProcess(Process process, int siloPort, int gatewayPort, int healthPort, int kafkaPort, int schemaRegistryPort)
    {
        SchemaRegistryPort = schemaRegistryPort;
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HealthPort = healthPort;
        KafkaPort = kafkaPort;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The silo's silo-to-silo port (the port of its <c>SiloAddress</c>).</summary>
    public int SiloPort { get; }

    /// <summary>The silo's gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>The silo's health port.</summary>
    public int HealthPort { get; }

    /// <summary>The port of the silo's Kafka listener.</summary>
    public int KafkaPort { get; }

    /// <summary>The port of the silo's schema registry REST API.</summary>
    public int SchemaRegistryPort { get; }

    /// <summary>True until the process exits.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>What the silo printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the silo executable with the given settings (as environment variables, <c>Section__Key</c>).</summary>
    public static SiloProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        var siloPort = TestPorts.Free();
        var gatewayPort = TestPorts.Free();
        var healthPort = TestPorts.Free();
        var kafkaPort = TestPorts.Free();
        var schemaRegistryPort = TestPorts.Free();
        var start = new ProcessStartInfo("dotnet", [SiloAssemblyPath()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        start.Environment["OrleansLog__Silo__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["OrleansLog__Silo__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["OrleansLog__Silo__HealthPort"] = healthPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["OrleansLog__Silo__AdvertisedIPAddress"] = "127.0.0.1";
        if (!settings.ContainsKey("OrleansLog__Kafka__Port"))
        {
            start.Environment["OrleansLog__Kafka__Port"] = kafkaPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            kafkaPort = int.Parse(settings["OrleansLog__Kafka__Port"], System.Globalization.CultureInfo.InvariantCulture);
        }

        // Every silo gets a free registry port, so that silos of parallel tests never contend for 8081.
        if (!settings.TryGetValue("OrleansLog__SchemaRegistry__Port", out var registryPort))
        {
            start.Environment["OrleansLog__SchemaRegistry__Port"] = schemaRegistryPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            schemaRegistryPort = int.Parse(registryPort, System.Globalization.CultureInfo.InvariantCulture);
        }

        return new SiloProcess(Process.Start(start)!, siloPort, gatewayPort, healthPort, kafkaPort, schemaRegistryPort);
    }

    /// <summary>Runs the silo executable with <paramref name="arguments"/> (a command such as <c>azurite stop</c>) to its end.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunCommandAsync(IReadOnlyDictionary<string, string> settings, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloAssemblyPath());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A silo that gets as far as listening must not contend for the registry's 8081 with other tests' silos.
        start.Environment["OrleansLog__SchemaRegistry__Port"] = TestPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Waits until the silo's health endpoint says it is an active member.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Silo exited with {_process.ExitCode}:\n{Output}");
            }

            if (await GetHealthStatusAsync("/healthz/ready") == 200)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Silo did not become healthy within {timeout}:\n{Output}");
    }

    /// <summary>The status code of a GET of <paramref name="path"/> on the health port, or null when nothing answered (not listening, or slow).</summary>
    public async Task<int?> GetHealthStatusAsync(string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{HealthPort}{path}"));
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Reads the silo's Prometheus metrics page.</summary>
    public async Task<string> ScrapeMetricsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{HealthPort}/metrics"));
    }

    /// <summary>Asks the silo to stop as Ctrl+C or a container stop does (SIGTERM) and waits up to <paramref name="timeout"/> for its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the process at once (SIGKILL): no flush, no graceful leave, as in a crash.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Stops the silo (SIGKILL if it still runs) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string SiloAssemblyPath()
    {
        // The test project builds the silo (a build-order reference); find its output beside this configuration's.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansLog.sln")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine(directory?.FullName ?? ".", "src", "OrleansLog.Silo", "bin", configuration, "net10.0", "OrleansLog.Silo.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The silo executable is not built at {path}.", path);
    }


    /// <summary>
    /// Starts an app host with an Orleans client (and the OrleansLog client) connected to the bundled silo's gateway on <paramref name="gatewayPort"/>;
    /// <paramref name="configureClient"/> adds to the Orleans client (stream providers).
    /// </summary>
    public static async Task<IHost> ConnectAsync(int gatewayPort, Action<IClientBuilder>? configureClient = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort));

            // The bundled silo's default cluster and service ids.
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "orleanslog";
                o.ServiceId = "orleanslog";
            });
            configureClient?.Invoke(client);
        });
        builder.Services.AddOrleansLogClient();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
