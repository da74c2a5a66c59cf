using System.Globalization;

namespace OrleansLog.Cli.Perf;

/// <summary>What a silo's Prometheus endpoint says about its memory and activations at one moment.</summary>
/// <param name="WorkingSetBytes">The silo process's working set (<c>dotnet_process_memory_working_set_bytes</c>).</param>
/// <param name="GcHeapBytes">The managed heap after the last collection, all generations (<c>dotnet_gc_last_collection_heap_size_bytes</c>).</param>
/// <param name="Activations">Grain activations on the silo (<c>orleans_catalog_activations</c>).</param>
public sealed record SiloMetrics(long WorkingSetBytes, long GcHeapBytes, long Activations)
{
    /// <summary>Reads the figures from Prometheus text exposition; a figure the text lacks is -1.</summary>
    public static SiloMetrics Parse(string text)
    {
        long workingSet = -1, heap = -1, activations = -1;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            if (Value(line, "dotnet_process_memory_working_set_bytes") is { } w)
            {
                workingSet = w;
            }
            else if (Value(line, "dotnet_gc_last_collection_heap_size_bytes") is { } h)
            {
                heap = Math.Max(heap, 0) + h;
            }
            else if (Value(line, "orleans_catalog_activations") is { } a)
            {
                activations = Math.Max(activations, 0) + a;
            }
        }

        return new SiloMetrics(workingSet, heap, activations);
    }

    /// <summary>Scrapes <paramref name="metricsUri"/>; null when the silo's metrics cannot be read (the benchmark then reports no memory).</summary>
    public static async Task<SiloMetrics?> ScrapeAsync(HttpClient http, Uri metricsUri, CancellationToken cancellationToken)
    {
        try
        {
            return Parse(await http.GetStringAsync(metricsUri, cancellationToken).ConfigureAwait(false));
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    // "name{labels} value" or "name value"; the name must match exactly (not a longer metric sharing its prefix).
    private static long? Value(ReadOnlySpan<char> line, string name)
    {
        if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
        {
            return null;
        }

        var space = line.LastIndexOf(' ');
        return double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? (long)value : null;
    }
}
