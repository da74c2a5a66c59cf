using OrleansLog.Client.Schemas;
using OrleansLog.Schemas;

namespace OrleansLog.Tests.Schemas;

public sealed class SchemaRegistryClientTests
{
    private static readonly Schema Text = new("\"string\"");

    [Fact]
    public async Task Concurrent_registrations_of_one_schema_share_one_call_and_later_ones_make_none()
    {
        var grain = new InMemorySchemaRegistryGrain { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var client = new SchemaRegistryClient(grain);
        var calls = Enumerable.Range(0, 20).Select(_ => client.RegisterSchemaAsync("t-value", Text)).ToArray();
        grain.Gate.SetResult();
        var ids = await Task.WhenAll(calls);

        Assert.All(ids, id => Assert.Equal(1, id));
        Assert.Equal(1, grain.Calls);
        Assert.Equal(1, await client.RegisterSchemaAsync("t-value", new Schema("\"string\"")));
        Assert.Equal(1, grain.Calls);

        // Another subject is another key: one more call, the same id.
        Assert.Equal(1, await client.RegisterSchemaAsync("u-value", Text));
        Assert.Equal(2, grain.Calls);
    }

    [Fact]
    public async Task Schemas_by_id_are_fetched_once()
    {
        var grain = new InMemorySchemaRegistryGrain();
        var client = new SchemaRegistryClient(grain);
        var id = await client.RegisterSchemaAsync("t-value", Text);
        var first = await client.GetSchemaAsync(id);
        var second = await client.GetSchemaAsync(id);

        Assert.Equal("\"string\"", first.Text);
        Assert.Same(first, second);
        Assert.Equal(2, grain.Calls);
    }

    [Fact]
    public async Task A_failed_call_is_not_cached()
    {
        var grain = new InMemorySchemaRegistryGrain { FailuresToInject = 1 };
        var client = new SchemaRegistryClient(grain);
        var error = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync("t-value", Text));
        Assert.Equal(SchemaRegistryException.Codes.StoreError, error.RegistryErrorCode);

        Assert.Equal(1, await client.RegisterSchemaAsync("t-value", Text));
        Assert.Equal(2, grain.Calls);
    }

    [Fact]
    public async Task A_lookup_of_an_unregistered_schema_fails_with_40403_and_succeeds_once_registered()
    {
        var grain = new InMemorySchemaRegistryGrain();
        var client = new SchemaRegistryClient(grain);
        var error = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetSchemaIdAsync("t-value", Text));
        Assert.Equal(SchemaRegistryException.Codes.SchemaNotFound, error.RegistryErrorCode);

        await client.RegisterSchemaAsync("t-value", Text);
        Assert.Equal(1, await client.GetSchemaIdAsync("t-value", Text));
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_call_running_for_others()
    {
        var grain = new InMemorySchemaRegistryGrain { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var client = new SchemaRegistryClient(grain);
        using var cancellation = new CancellationTokenSource();
        var cancelled = client.RegisterSchemaAsync("t-value", Text, cancellationToken: cancellation.Token);
        var waiting = client.RegisterSchemaAsync("t-value", Text);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        grain.Gate.SetResult();
        Assert.Equal(1, await waiting);
        Assert.Equal(1, grain.Calls);
    }

    [Fact]
    public async Task A_numbered_version_is_cached_and_the_latest_is_asked_for_each_time()
    {
        var grain = new InMemorySchemaRegistryGrain();
        var client = new SchemaRegistryClient(grain);
        await grain.RegisterAsync("s", new OrleansLog.Schemas.Schema("\"int\""));
        await grain.RegisterAsync("s", new OrleansLog.Schemas.Schema("\"long\""));
        var calls = grain.Calls;

        Assert.Equal(1, (await client.GetVersionAsync("s", 1)).Version);
        Assert.Equal(1, (await client.GetVersionAsync("s", 1)).Version);
        Assert.Equal(calls + 1, grain.Calls);
        Assert.Equal(2, (await client.GetVersionAsync("s", OrleansLog.Schemas.ISchemaRegistryGrain.LatestVersion)).Version);
        Assert.Equal(2, (await client.GetVersionAsync("s", OrleansLog.Schemas.ISchemaRegistryGrain.LatestVersion)).Version);
        Assert.Equal(calls + 3, grain.Calls);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetVersionAsync("s", 0));
    }
}
