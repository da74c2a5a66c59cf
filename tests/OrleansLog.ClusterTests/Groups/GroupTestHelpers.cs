using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Groups;

namespace OrleansLog.ClusterTests.Groups;

/// <summary>Helpers the consumer group tests share.</summary>
public static class GroupTestHelpers
{
    public static string NewGroup(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Produces <paramref name="count"/> records with distinct keys and values "{prefix}-{i}".</summary>
    public static async Task ProduceAsync(LogCluster log, string topic, int count, string prefix = "v")
    {
        await using var producer = log.Client.CreateProducer<string, string>();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Key = $"{prefix}-key-{i}", Value = $"{prefix}-{i}" })));
    }

    /// <summary>
    /// Waits until the group is stable with exactly these members and each one's consumer runs exactly the assignment the group gave it.
    /// A describe that times out or finds its silo gone counts as "not yet": after a kill, the first calls can still go to the dead silo.
    /// </summary>
    public static async Task<GroupDescription> WaitStableAsync(LogCluster log, string groupId, IReadOnlyCollection<GroupMember> members, TimeSpan timeout)
    {
        GroupDescription description = null!;
        await LogTestExtensions.EventuallyAsync(
            async () =>
            {
                try
                {
                    description = await log.Client.Admin.DescribeGroupAsync(groupId);
                }
                catch (Exception e) when (e is TimeoutException or Orleans.Runtime.SiloUnavailableException)
                {
                    return false;
                }

                if (description.State != GroupState.Stable || description.Members.Length != members.Count)
                {
                    return false;
                }

                foreach (var member in members)
                {
                    var described = description.Members.SingleOrDefault(m => m.MemberId == member.Consumer.MemberId);
                    if (described is null
                        || !described.Assignment.Select(p => new TopicPartition(p.Topic, p.Partition)).Sorted().SequenceEqual(member.Consumer.Assignment.Sorted()))
                    {
                        return false;
                    }
                }

                return true;
            },
            timeout,
            $"group {groupId} stable with {members.Count} members");
        return description;
    }

    /// <summary>Checks the group grain's own view: no partition in two members' owned sets.</summary>
    public static void AssertSingleOwners(GroupDescription description)
    {
        var owned = description.Members.SelectMany(m => m.Assignment).ToList();
        Assert.Equal(owned.Count, owned.Distinct().Count());
    }

    /// <summary>The partitions in (topic, partition) order.</summary>
    public static IEnumerable<TopicPartition> Sorted(this IEnumerable<TopicPartition> partitions) => partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition);
}
