using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OrleansLog.KafkaTests;

/// <summary>
/// A group member that is a process of its own (<c>kcat -G</c>, or a KafkaJS consumer under node), so a test can stop it with SIGTERM
/// (it leaves the group) or kill it with SIGKILL (its group only learns of its death when its session times out). It prints one line
/// per record, which the member parses into <see cref="Received"/>.
/// </summary>
public sealed class ProcessGroupMember : IDisposable
{
    private readonly Process _process;
    private volatile int[] _partitions = [];

    private ProcessGroupMember(ProcessStartInfo start, string? input, Func<string, ProcessGroupMember, bool> parse)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { Length: > 0 } text && !parse(text, this))
            {
                Errors.Enqueue("unparsed: " + text);
            }
        };
        _process.ErrorDataReceived += (_, line) => Errors.Enqueue(line.Data ?? "");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.Write(input ?? "");
        _process.StandardInput.Close();
    }

    /// <summary>Every record the member printed: key, partition and offset.</summary>
    public ConcurrentQueue<(string Key, int Partition, long Offset)> Received { get; } = new();

    /// <summary>What the member wrote to stderr, and lines it printed that were not records.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>The partitions the member last reported holding (KafkaJS reports them; kcat does not).</summary>
    public IReadOnlyList<int> Partitions => _partitions;

    /// <summary>
    /// <c>kcat -G <paramref name="groupId"/> <paramref name="topic"/></c> with a session timeout of <paramref name="sessionTimeoutMs"/>,
    /// auto-committing every 200 ms.
    /// </summary>
    public static ProcessGroupMember Kcat(string bootstrapServers, string groupId, string topic, int sessionTimeoutMs)
    {
        var start = new ProcessStartInfo("kcat");
        foreach (var argument in new[]
        {
            "-b", bootstrapServers, "-G", groupId, topic, "-u", "-q", "-f", "%k %p %o\n",
            "-X", "auto.offset.reset=earliest", "-X", $"session.timeout.ms={sessionTimeoutMs}", "-X", "heartbeat.interval.ms=500",
            "-X", "auto.commit.interval.ms=200", "-X", "client.id=kcat",
        })
        {
            start.ArgumentList.Add(argument);
        }

        return new ProcessGroupMember(start, null, static (line, member) =>
        {
            if (line.Split(' ') is not [var key, var partition, var offset])
            {
                return false;
            }

            member.Received.Enqueue((key, int.Parse(partition, CultureInfo.InvariantCulture), long.Parse(offset, CultureInfo.InvariantCulture)));
            return true;
        });
    }

    /// <summary>A KafkaJS consumer (<c>node kafkajs.js member</c>) of <paramref name="groupId"/>, committing as KafkaJS does by default.</summary>
    public static ProcessGroupMember KafkaJs(string bootstrapServers, string groupId, string topic, int sessionTimeoutMs)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = OrleansLog.KafkaTests.KafkaJs.ScriptDirectory };
        foreach (var argument in new[] { "kafkajs.js", "member", bootstrapServers, topic })
        {
            start.ArgumentList.Add(argument);
        }

        return new ProcessGroupMember(start, JsonSerializer.Serialize(new { group = groupId, sessionTimeout = sessionTimeoutMs }), static (line, member) =>
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("assigned", out var assigned))
            {
                member._partitions = [.. assigned.EnumerateArray().Select(p => p.GetInt32())];
                return true;
            }

            member.Received.Enqueue((json.RootElement.GetProperty("key").GetString()!, json.RootElement.GetProperty("partition").GetInt32(), json.RootElement.GetProperty("offset").GetInt64()));
            return true;
        });
    }

    /// <summary>Stops the member with SIGTERM, as Ctrl+C would: it commits, leaves the group and exits.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Kills the member with SIGKILL: no LeaveGroup, no last commit.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
