namespace OrleansLog.Client;

/// <summary>
/// A consumer's assigned partitions, each with its fetcher, and which of them are paused. Partitions come either from the app
/// (<see cref="Replace"/>) or from the consumer's group (<see cref="Add"/> and <see cref="Remove"/>), never both.
/// </summary>
internal sealed class PartitionAssignment(Func<TopicPartition, PartitionFetcher> newFetcher)
{
    private readonly object _lock = new();
    private readonly HashSet<TopicPartition> _paused = [];
    private Dictionary<TopicPartition, PartitionFetcher> _fetchers = [];
    private string[]? _subscription;
    private bool _closed;

    /// <summary>The partitions assigned now.</summary>
    public IReadOnlyList<TopicPartition> Partitions
    {
        get
        {
            lock (_lock)
            {
                return [.. _fetchers.Keys];
            }
        }
    }

    /// <summary>The partitions paused now.</summary>
    public IReadOnlyList<TopicPartition> Paused
    {
        get
        {
            lock (_lock)
            {
                return [.. _paused];
            }
        }
    }

    /// <summary>Hands the assignment to the group the consumer subscribed to <paramref name="subscription"/>; refused once partitions were assigned by hand.</summary>
    public void UseGroup(string[] subscription)
    {
        lock (_lock)
        {
            if (_subscription is not null)
            {
                throw new InvalidOperationException($"This consumer is already subscribed to {string.Join(", ", _subscription)}; close it and create a new consumer to change the subscription.");
            }

            if (_fetchers.Count > 0)
            {
                throw new InvalidOperationException("This consumer has manually assigned partitions; a consumer either assigns partitions or subscribes, not both. Unassign first.");
            }

            _subscription = subscription;
        }
    }

    /// <summary>Replaces the assignment with <paramref name="partitions"/>, each (re)starting at its offset; kept partitions keep their fetcher.</summary>
    public void Replace(IEnumerable<TopicPartitionOffset> partitions)
    {
        var next = new Dictionary<TopicPartition, PartitionFetcher>();
        lock (_lock)
        {
            if (_subscription is not null)
            {
                throw new InvalidOperationException($"This consumer subscribed to {string.Join(", ", _subscription)}, so its group assigns its partitions; use a consumer without Subscribe to assign partitions manually.");
            }

            foreach (var position in partitions)
            {
                Topics.TopicName.Validate(position.Topic);
                var tp = position.TopicPartition;
                if (next.ContainsKey(tp))
                {
                    throw new ArgumentException($"Partition {tp} is assigned twice.", nameof(partitions));
                }

                var fetcher = _fetchers.Remove(tp, out var existing) ? existing : newFetcher(tp);
                _paused.Remove(tp);
                fetcher.Start(position.Offset);
                next[tp] = fetcher;
            }

            foreach (var (removedPartition, removed) in _fetchers)
            {
                _paused.Remove(removedPartition);
                _ = removed.StopAsync();
            }

            _fetchers = next;
        }
    }

    /// <summary>Adds partitions the group granted, fetching from the group's committed offsets; none once the consumer is closed.</summary>
    public List<TopicPartition> Add(IReadOnlyList<TopicPartition> partitions)
    {
        var added = new List<TopicPartition>(partitions.Count);
        lock (_lock)
        {
            if (_closed)
            {
                return added;
            }

            foreach (var tp in partitions)
            {
                var fetcher = newFetcher(tp);
                _fetchers[tp] = fetcher;
                fetcher.Start(Offset.Unset);
                added.Add(tp);
            }
        }

        return added;
    }

    /// <summary>Stops fetching <paramref name="partitions"/> at once (they stay assigned, so their positions can still be committed).</summary>
    public List<Task> StopFetching(IReadOnlyList<TopicPartition> partitions)
    {
        var stops = new List<Task>(partitions.Count);
        lock (_lock)
        {
            foreach (var tp in partitions)
            {
                if (_fetchers.TryGetValue(tp, out var fetcher))
                {
                    stops.Add(fetcher.StopAsync());
                }
            }
        }

        return stops;
    }

    /// <summary>Forgets <paramref name="partitions"/> (the group revoked them).</summary>
    public void Remove(IReadOnlyList<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var tp in partitions)
            {
                _fetchers.Remove(tp);
                _paused.Remove(tp);
            }
        }
    }

    /// <summary>Stops every fetcher and forgets every partition, for good.</summary>
    public Task[] Close()
    {
        lock (_lock)
        {
            _closed = true;
            Task[] stops = [.. _fetchers.Values.Select(f => f.StopAsync())];
            _fetchers = [];
            return stops;
        }
    }

    /// <summary>Restarts an assigned partition's fetching at <paramref name="position"/>'s offset.</summary>
    public void Seek(TopicPartitionOffset position)
    {
        lock (_lock)
        {
            if (!_fetchers.TryGetValue(position.TopicPartition, out var fetcher))
            {
                throw new InvalidOperationException($"Cannot seek {position.TopicPartition}: it is not assigned to this consumer.");
            }

            fetcher.Start(position.Offset);
        }
    }

    /// <summary>The offset of the next record handed out from <paramref name="partition"/>, or <see cref="Offset.Unset"/> while not known.</summary>
    public long Position(TopicPartition partition)
    {
        lock (_lock)
        {
            return _fetchers.TryGetValue(partition, out var fetcher) ? fetcher.Position : throw new InvalidOperationException($"Partition {partition} is not assigned to this consumer.");
        }
    }

    /// <summary>The partition's high watermark as of its last fetch, or -1.</summary>
    public long HighWatermark(TopicPartition partition)
    {
        lock (_lock)
        {
            return _fetchers.TryGetValue(partition, out var fetcher) ? fetcher.HighWatermark : -1;
        }
    }

    /// <summary>Stops fetching and handing out records of these partitions until <see cref="Resume"/>.</summary>
    public void Pause(IEnumerable<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var tp in partitions)
            {
                var fetcher = _fetchers.GetValueOrDefault(tp) ?? throw new InvalidOperationException($"Cannot pause {tp}: it is not assigned to this consumer.");
                if (_paused.Add(tp))
                {
                    _ = fetcher.StopAsync();
                }
            }
        }
    }

    /// <summary>Resumes paused partitions at their positions.</summary>
    public void Resume(IEnumerable<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var tp in partitions)
            {
                var fetcher = _fetchers.GetValueOrDefault(tp) ?? throw new InvalidOperationException($"Cannot resume {tp}: it is not assigned to this consumer.");
                if (_paused.Remove(tp))
                {
                    fetcher.Start(fetcher.Position >= 0 ? fetcher.Position : Offset.Unset);
                }
            }
        }
    }

    /// <summary>Whether <paramref name="chunk"/> came from a partition's current fetcher and fetch generation (not from before a seek, pause or revocation).</summary>
    public bool IsCurrent(FetchedChunk chunk)
    {
        lock (_lock)
        {
            return chunk.Generation == chunk.Fetcher.Generation && _fetchers.TryGetValue(chunk.Fetcher.Partition, out var fetcher) && fetcher == chunk.Fetcher;
        }
    }

    /// <summary>The known positions of the assigned partitions (all, or those in <paramref name="only"/>) that <paramref name="include"/> accepts.</summary>
    public List<TopicPartitionOffset> Positions(IReadOnlyCollection<TopicPartition>? only, Func<TopicPartition, long, bool> include)
    {
        var positions = new List<TopicPartitionOffset>();
        lock (_lock)
        {
            foreach (var (tp, fetcher) in _fetchers)
            {
                var position = fetcher.Position;
                if (position >= 0 && (only is null || only.Contains(tp)) && include(tp, position))
                {
                    positions.Add(new TopicPartitionOffset(tp.Topic, tp.Partition, position));
                }
            }
        }

        return positions;
    }
}
