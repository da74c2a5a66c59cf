using System.Diagnostics;
using System.Text.Json;

namespace OrleansLog.KafkaTests;

/// <summary>
/// Runs KafkaJS (2.2.4, and @kafkajs/confluent-schema-registry 3.9.0, pinned in tests/kafkajs and installed there by <c>npm ci</c>, as .ci/run does) through
/// tests/kafkajs/kafkajs.js with node, and reads the one line of JSON it answers.
/// </summary>
public static class KafkaJs
{
    private static readonly Lazy<string> Directory = new(FindDirectory);

    /// <summary>The directory of kafkajs.js, with KafkaJS installed.</summary>
    public static string ScriptDirectory => Directory.Value;

    /// <summary>Runs <c>node kafkajs.js <paramref name="command"/> <paramref name="bootstrap"/> [<paramref name="topic"/>]</c>.</summary>
    /// <param name="command">One of kafkajs.js's commands (metadata, produce, offsets, group, join, schemas).</param>
    /// <param name="bootstrap">The bootstrap address (host:port).</param>
    /// <param name="topic">The topic, where the command takes one.</param>
    /// <param name="input">What to write to the script's stdin (produce's records, as JSON).</param>
    /// <returns>The script's answer.</returns>
    public static async Task<JsonElement> RunAsync(string command, string bootstrap, string? topic = null, string? input = null)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory.Value,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kafkajs.js");
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(bootstrap);
        if (topic is not null)
        {
            start.ArgumentList.Add(topic);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("node is not installed (Node.js 18 or later is needed for the KafkaJS tests; .ci/run installs it).", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(input ?? "");
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"kafkajs.js {command} did not finish within 90 s:\n{await error}");
            }

            var answer = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (process.ExitCode != 0 || answer is null)
            {
                throw new InvalidOperationException($"kafkajs.js {command} exited with {process.ExitCode}:\n{await error}\n{await output}");
            }

            return JsonDocument.Parse(answer).RootElement.Clone();
        }
    }

    private static string FindDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansLog.sln")))
        {
            directory = directory.Parent;
        }

        var kafkajs = Path.Combine(directory?.FullName ?? ".", "tests", "kafkajs");
        return File.Exists(Path.Combine(kafkajs, "node_modules", "kafkajs", "package.json"))
            ? kafkajs
            : throw new InvalidOperationException($"KafkaJS is not installed in {kafkajs}: run `npm ci` there (.ci/run does).");
    }
}
