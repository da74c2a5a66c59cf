namespace OrleansLog.Kafka.Brokers;

/// <summary>
/// The broker endpoints one silo knows, and which of them Metadata lists: the answering silo's own, and those of the silos that
/// membership says are active. Entries stay until membership says their silo left, so a registry that has just been re-activated
/// (and is filling up again) does not make live brokers vanish from Metadata.
/// </summary>
internal sealed class KafkaBrokerList
{
    private readonly Lock _lock = new();
    private Dictionary<SiloAddress, KafkaBrokerEndpoint> _known = [];

    /// <summary>Whether a silo in <paramref name="status"/> has left the cluster (or is leaving it) for good.</summary>
    public static bool HasLeft(SiloStatus status) => status is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead;

    /// <summary>How many endpoints are known.</summary>
    public int Count => Volatile.Read(ref _known).Count;

    /// <summary>
    /// Takes in what the registry answered. Known entries that it did not name are kept while their silo is still a member that has
    /// not left; a silo membership does not know at all (a new one not yet seen here) is kept only when the registry names it.
    /// </summary>
    /// <param name="registered">The registry's endpoints.</param>
    /// <param name="status">The status membership gives each silo (<see cref="SiloStatus.None"/> for one it does not know).</param>
    public void Merge(IEnumerable<KafkaBrokerEndpoint> registered, Func<SiloAddress, SiloStatus> status)
    {
        lock (_lock)
        {
            var next = new Dictionary<SiloAddress, KafkaBrokerEndpoint>(_known.Count);
            foreach (var (silo, endpoint) in _known)
            {
                var current = status(silo);
                if (current != SiloStatus.None && !HasLeft(current))
                {
                    next[silo] = endpoint;
                }
            }

            foreach (var endpoint in registered)
            {
                if (!HasLeft(status(endpoint.Silo)))
                {
                    next[endpoint.Silo] = endpoint;
                }
            }

            Volatile.Write(ref _known, next);
        }
    }

    /// <summary>The brokers Metadata lists, by node id: <paramref name="local"/> and every known broker whose silo is active.</summary>
    /// <param name="local">The answering silo's broker, always listed (it is answering).</param>
    /// <param name="status">The status membership gives each silo.</param>
    public List<KafkaBrokerEndpoint> Active(KafkaBrokerEndpoint local, Func<SiloAddress, SiloStatus> status)
    {
        var known = Volatile.Read(ref _known);
        var active = new List<KafkaBrokerEndpoint>(known.Count + 1) { local };
        foreach (var (silo, endpoint) in known)
        {
            if (!silo.Equals(local.Silo) && status(silo) == SiloStatus.Active)
            {
                active.Add(endpoint);
            }
        }

        active.Sort(static (a, b) => a.NodeId.CompareTo(b.NodeId));
        return active;
    }

    /// <summary>Whether one of <paramref name="activeSilos"/> has no known endpoint (it joined since the last look at the registry).</summary>
    public bool LacksAny(IEnumerable<SiloAddress> activeSilos, SiloAddress local)
    {
        var known = Volatile.Read(ref _known);
        foreach (var silo in activeSilos)
        {
            if (!silo.Equals(local) && !known.ContainsKey(silo))
            {
                return true;
            }
        }

        return false;
    }
}
