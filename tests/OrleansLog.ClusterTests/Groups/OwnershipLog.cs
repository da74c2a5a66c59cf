using OrleansLog.Client;

namespace OrleansLog.ClusterTests.Groups;

/// <summary>
/// Records every ownership transition of a group's members in one order (from their rebalance callbacks, and the test's crash events), and
/// checks that no partition ever had two owners.
/// </summary>
public sealed class OwnershipLog
{
    private readonly List<(long At, string Member, string Event, TopicPartition Partition)> _events = [];

    public RebalanceListener ListenerFor(string member) => new()
    {
        PartitionsAssigned = p => Record(member, "assigned", p),
        PartitionsRevoked = p => Record(member, "revoked", p),
        PartitionsLost = p => Record(member, "lost", p),
    };

    /// <summary>The member crashed: from now on it consumes nothing, whatever the group still thinks.</summary>
    public void Crashed(string member, IEnumerable<TopicPartition> owned) => Record(member, "crashed", [.. owned]);

    public IReadOnlyList<(long At, string Member, string Event, TopicPartition Partition)> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>What each member owns now, by replaying the events; fails the test if a partition was assigned while another member owned it.</summary>
    public Dictionary<string, HashSet<TopicPartition>> ReplayAndCheck()
    {
        var owner = new Dictionary<TopicPartition, string>();
        var owned = new Dictionary<string, HashSet<TopicPartition>>();
        foreach (var (_, member, what, partition) in Events)
        {
            var mine = owned.TryGetValue(member, out var set) ? set : owned[member] = [];
            if (what == "assigned")
            {
                Assert.False(owner.TryGetValue(partition, out var other), $"{partition} was assigned to {member} while {other} owned it");
                owner[partition] = member;
                mine.Add(partition);
            }
            else if (owner.TryGetValue(partition, out var current) && current == member)
            {
                owner.Remove(partition);
                mine.Remove(partition);
            }
        }

        return owned;
    }

    /// <summary>How many times <paramref name="member"/> had <paramref name="partition"/> revoked.</summary>
    public int RevocationsOf(string member, TopicPartition partition) => Events.Count(e => e.Member == member && e.Partition == partition && e.Event == "revoked");

    private ValueTask Record(string member, string what, IReadOnlyList<TopicPartition> partitions)
    {
        lock (_events)
        {
            foreach (var partition in partitions)
            {
                _events.Add((Environment.TickCount64, member, what, partition));
            }
        }

        return ValueTask.CompletedTask;
    }
}
