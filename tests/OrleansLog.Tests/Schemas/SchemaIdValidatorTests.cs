using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Schemas;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Schemas;

public sealed class SchemaIdValidatorTests
{
    private static readonly TopicConfig ValidatesValues = TopicConfig.Default with { ValueSchemaValidation = true };

    private readonly InMemorySchemaRegistryGrain _grain = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z"));

    [Fact]
    public async Task A_confirmed_id_is_asked_for_once_and_again_after_the_cache_lifetime_so_a_deleted_version_stops_passing()
    {
        var id = (await _grain.RegisterAsync("t-value", new Schema("\"string\""))).Id;
        var validator = new SchemaIdValidator(_grain, "t", _time);

        await ValidateAsync(validator, id);
        var calls = _grain.Calls;
        await ValidateAsync(validator, id);
        Assert.Equal(calls, _grain.Calls);

        // Within the lifetime the confirmed id still passes; after it, the registry is asked again and the deleted version is refused.
        _grain.Remove("t-value", id);
        _time.Advance(SchemaIdValidator.CacheLifetime - TimeSpan.FromSeconds(1));
        await ValidateAsync(validator, id);
        _time.Advance(TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<SchemaValidationException>(() => ValidateAsync(validator, id));
        Assert.Contains($"carries schema id {id}, which is not a registered version of subject 't-value'", error.Message);
        Assert.Equal(calls + 1, _grain.Calls);
    }

    [Fact]
    public async Task A_value_without_the_prefix_is_refused_before_the_registry_is_asked()
    {
        var validator = new SchemaIdValidator(_grain, "t", _time);
        using var batches = Batches("plain text"u8.ToArray());

        var error = await Assert.ThrowsAsync<SchemaValidationException>(async () => await validator.ValidateAsync(batches, ValidatesValues));
        Assert.Contains("The value of record 0 in batch 0 (at byte 0) starts with byte 0x70, not the magic byte 0", error.Message);
        Assert.Equal(0, _grain.Calls);
    }

    private static async Task ValidateAsync(SchemaIdValidator validator, int id)
    {
        var value = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(1), id);
        using var batches = Batches(value);
        await validator.ValidateAsync(batches, ValidatesValues);
    }

    private static ValidatedBatches Batches(byte[] value)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1_000, key: null, value: value);
        return ValidatedBatches.Validate(builder.Build(), TopicConfig.Default.MaxMessageBytes, "t");
    }
}
