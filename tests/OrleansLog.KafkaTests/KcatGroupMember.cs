using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansLog.KafkaTests;

/// <summary>
/// <c>kcat -G</c> (librdkafka in a process of its own) as a member of a group, auto-committing every 200 ms; it can be killed with
/// SIGKILL, so its group only learns of its death when its session times out.
/// </summary>
public sealed class KcatGroupMember : IDisposable
{
    private readonly Process _process;

    /// <summary>Starts <c>kcat -G <paramref name="groupId"/> <paramref name="topic"/></c> with a session timeout of <paramref name="sessionTimeoutMs"/>.</summary>
    public KcatGroupMember(string bootstrapServers, string groupId, string topic, int sessionTimeoutMs)
    {
        var start = new ProcessStartInfo("kcat") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "-b", bootstrapServers, "-G", groupId, topic, "-u", "-q", "-f", "%k %p %o\n",
            "-X", "auto.offset.reset=earliest", "-X", $"session.timeout.ms={sessionTimeoutMs}", "-X", "heartbeat.interval.ms=500",
            "-X", "auto.commit.interval.ms=200", "-X", "client.id=kcat",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start; install it (apt-get install kcat).");
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.Split(' ') is [var key, var partition, var offset])
            {
                Received.Enqueue((key, int.Parse(partition, System.Globalization.CultureInfo.InvariantCulture), long.Parse(offset, System.Globalization.CultureInfo.InvariantCulture)));
            }
        };
        _process.ErrorDataReceived += (_, line) => Errors.Enqueue(line.Data ?? "");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Every record kcat printed: key, partition and offset.</summary>
    public ConcurrentQueue<(string Key, int Partition, long Offset)> Received { get; } = new();

    /// <summary>What kcat wrote to stderr.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Stops kcat with SIGTERM, as Ctrl+C would: it commits, leaves the group and exits.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Kills kcat with SIGKILL: no LeaveGroup, no last commit.</summary>
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
