using OrleansLog.Cli.Perf;

namespace OrleansLog.Tests.Cli;

public sealed class SiloMetricsTests
{
    [Fact]
    public void Working_set_heap_and_activations_are_read_from_prometheus_text_summing_labelled_series()
    {
        const string text = """
            # TYPE dotnet_process_memory_working_set_bytes gauge
            dotnet_process_memory_working_set_bytes{otel_scope_name="System.Runtime"} 133836800
            dotnet_process_memory_working_set_bytes_total_other{otel_scope_name="x"} 5
            dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 1000
            dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="loh"} 2000
            orleans_catalog_activations{otel_scope_name="Microsoft.Orleans",grain_type="partition"} 10220
            orleans_catalog_activations{otel_scope_name="Microsoft.Orleans",grain_type="topic"} 4
            orleans_catalog_activations_other 99
            """;

        Assert.Equal(new SiloMetrics(133_836_800, 3_000, 10_224), SiloMetrics.Parse(text));
    }

    [Fact]
    public void Figures_missing_from_the_text_are_minus_one()
    {
        Assert.Equal(new SiloMetrics(-1, -1, -1), SiloMetrics.Parse("# nothing here\nsome_other_metric 1\n"));
    }
}
