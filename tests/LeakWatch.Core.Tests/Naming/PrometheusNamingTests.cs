using LeakWatch.Core.Naming;

namespace LeakWatch.Core.Tests.Naming;

public class PrometheusNamingTests
{
    // The names the OpenTelemetry Prometheus exporter gives .NET's System.Runtime instruments.
    [Theory]
    [InlineData("dotnet.thread_pool.thread.count", "{thread}", false, "dotnet_thread_pool_thread_count")]
    [InlineData("dotnet.gc.collections", "{collection}", true, "dotnet_gc_collections_total")]
    [InlineData("dotnet.process.memory.working_set", "By", false, "dotnet_process_memory_working_set_bytes")]
    [InlineData("dotnet.gc.pause.time", "s", true, "dotnet_gc_pause_time_seconds_total")]
    [InlineData("dotnet.process.cpu.time", "s", true, "dotnet_process_cpu_time_seconds_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", true, "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("dotnet.jit.compiled_il.size", "By", true, "dotnet_jit_compiled_il_size_bytes_total")]
    [InlineData("http.server.request.duration", "s", false, "http_server_request_duration_seconds")]
    [InlineData("kestrel.active_connections", "{connection}", false, "kestrel_active_connections")]
    [InlineData("demo.orders.processed", null, true, "demo_orders_processed_total")]
    [InlineData("demo.cache.hit_ratio", "1", false, "demo_cache_hit_ratio")]
    [InlineData("demo.cache.hits", "1", false, "demo_cache_hits_ratio")]
    [InlineData("demo.requests", "1", true, "demo_requests_total")]
    [InlineData("already_bytes", "By", false, "already_bytes")]
    [InlineData("already_total", "{x}", true, "already_total")]
    [InlineData("net.throughput", "By/s", false, "net_throughput_bytes_per_second")]
    [InlineData("weird-name with spaces", null, false, "weird_name_with_spaces")]
    [InlineData("9lives", null, false, "_9lives")]
    public void Names_follow_the_OpenTelemetry_exporter(string instrument, string? unit, bool counter, string expected) =>
        Assert.Equal(expected, PrometheusNaming.MetricName(instrument, unit, counter));

    [Theory]
    [InlineData("gc.heap.generation", "gc_heap_generation")]
    [InlineData("error.type", "error_type")]
    [InlineData("http-method", "http_method")]
    [InlineData("__reserved", "_reserved")]
    [InlineData("1st", "_1st")]
    public void Tag_keys_become_valid_label_names(string tag, string expected) =>
        Assert.Equal(expected, PrometheusNaming.LabelName(tag));
}
