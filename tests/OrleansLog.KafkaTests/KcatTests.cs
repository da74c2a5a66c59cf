using System.Diagnostics;
using OrleansLog.Groups;

namespace OrleansLog.KafkaTests;

/// <summary>kcat (librdkafka 2.0.2: Produce v7, Fetch v11, Metadata v4, ListOffsets v2) against the silo.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class KcatTests(KafkaBrokerFixture broker)
{
    [Fact]
    public async Task Kcat_produces_keyed_records_and_consumes_them_from_the_beginning()
    {
        var topic = KafkaClients.NewTopic("kcat");
        string[] lines = ["k1:first value", "k2:second value", "k1:third value"];

        var produced = await RunKcatAsync(string.Join('\n', lines) + "\n", "-b", broker.BootstrapServers, "-P", "-t", topic, "-K:");
        Assert.True(produced.ExitCode == 0, $"kcat -P exited with {produced.ExitCode}: {produced.Error}");

        var consumed = await RunKcatAsync(null, "-b", broker.BootstrapServers, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k=%s\n");
        Assert.True(consumed.ExitCode == 0, $"kcat -C exited with {consumed.ExitCode}: {consumed.Error}");
        Assert.Equal(["k1=first value", "k2=second value", "k1=third value"], consumed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The topic was created on first use, with the default single partition.
        Assert.Equal(1, (await broker.Log.Admin.DescribeTopicAsync(topic)).PartitionCount);
    }

    [Fact]
    public async Task Kcat_group_members_share_a_topic_and_one_that_stops_hands_its_partitions_over_with_each_record_read_once()
    {
        var topic = KafkaClients.NewTopic("kcat-g");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 4);
        using var first = ProcessGroupMember.Kcat(broker.BootstrapServers, group, topic, sessionTimeoutMs: 10_000);
        using var second = ProcessGroupMember.Kcat(broker.BootstrapServers, group, topic, sessionTimeoutMs: 10_000);
        await WaitForAssignmentAsync(group, [2, 2]);

        var before = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "before", 100);
        await KafkaGroups.WaitUntilAsync(() => first.Received.Count + second.Received.Count >= 100, TimeSpan.FromSeconds(60), () => $"kcat members read {first.Received.Count} and {second.Received.Count}");
        Assert.NotEmpty(first.Received);
        Assert.NotEmpty(second.Received);

        await second.StopAsync();
        await WaitForAssignmentAsync(group, [4]);
        var after = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "after", 100);
        await KafkaGroups.WaitUntilAsync(() => first.Received.Count + second.Received.Count >= 200, TimeSpan.FromSeconds(60), () => $"kcat members read {first.Received.Count} and {second.Received.Count}");
        await Task.Delay(500);

        var keys = first.Received.Concat(second.Received).Select(r => r.Key);
        Assert.Equal(before.Concat(after).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    // Waits until the group's members hold the given numbers of partitions, as the group grain decodes their assignments.
    private Task WaitForAssignmentAsync(string group, int[] counts)
    {
        GroupDescription? description = null;
        int[] Held() => [.. description!.Members.Select(m => m.Assignment.Length).Order()];
        return KafkaGroups.WaitUntilAsync(
            async () =>
            {
                description = await broker.Log.Admin.DescribeGroupAsync(group);
                return description.State == GroupState.Stable && Held().SequenceEqual(counts);
            },
            TimeSpan.FromSeconds(60),
            () => $"group {group} is {description?.State} with assignments [{string.Join(',', description is null ? [] : Held())}], not [{string.Join(',', counts)}]");
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunKcatAsync(string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("kcat")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start; install it (apt-get install kcat).");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"kcat {string.Join(' ', arguments)} did not finish within 60 s: {await error}");
        }

        return (process.ExitCode, await output, await error);
    }
}
