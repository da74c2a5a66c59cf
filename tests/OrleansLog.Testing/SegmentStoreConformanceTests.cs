using System.Text;
using OrleansLog.Errors;
using OrleansLog.Segments;
using Xunit;

namespace OrleansLog.Testing;

/// <summary>
/// The <see cref="ISegmentStore"/> contract, written once and run against every store: the Azure Blob one on Azurite (cluster tests)
/// and the in-memory one (unit tests). Appends land only at the expected position under the current lease; everything else fails
/// typed and changes nothing.
/// </summary>
public abstract class SegmentStoreConformanceTests
{
    private const string Segment = "topics/t/0/00000000000000000000.log";

    /// <summary>A store over empty storage of its own.</summary>
    internal abstract ISegmentStore CreateStore();

    [Fact]
    public async Task A_segment_is_created_once_and_starts_empty()
    {
        var store = CreateStore();

        Assert.True(await store.CreateSegmentAsync(Segment, default));
        Assert.False(await store.CreateSegmentAsync(Segment, default));

        var properties = await store.GetPropertiesAsync(Segment, default);
        Assert.Equal((0L, 0), (properties!.Size, properties.BlockCount));
    }

    [Fact]
    public async Task Appends_at_the_expected_position_under_the_lease_extend_the_segment_and_read_back()
    {
        var store = CreateStore();
        await store.CreateSegmentAsync(Segment, default);
        var lease = await store.TakeLeaseAsync(Segment, default, breakHeldLease: false);

        await store.AppendBlockAsync(Segment, Bytes("hello "), 0, lease, default);
        await store.AppendBlockAsync(Segment, Bytes("world"), 6, lease, default);

        Assert.Equal("hello world", Text(await store.ReadAsync(Segment, 0, 100, default)));
        Assert.Equal("wor", Text(await store.ReadAsync(Segment, 6, 3, default)));
        var properties = await store.GetPropertiesAsync(Segment, default);
        Assert.Equal((11L, 2), (properties!.Size, properties.BlockCount));
    }

    [Fact]
    public async Task An_append_at_another_position_is_fenced_and_changes_nothing()
    {
        var store = CreateStore();
        await store.CreateSegmentAsync(Segment, default);
        var lease = await store.TakeLeaseAsync(Segment, default, breakHeldLease: false);
        await store.AppendBlockAsync(Segment, Bytes("abc"), 0, lease, default);

        var behind = await Assert.ThrowsAsync<NotLeaderException>(() => store.AppendBlockAsync(Segment, Bytes("xyz"), 0, lease, default));
        await Assert.ThrowsAsync<NotLeaderException>(() => store.AppendBlockAsync(Segment, Bytes("xyz"), 5, lease, default));

        Assert.Contains("no longer at position 0", behind.Message);
        Assert.Equal("abc", Text(await store.ReadAsync(Segment, 0, 100, default)));
    }

    [Fact]
    public async Task A_retried_append_whose_bytes_already_landed_succeeds_without_writing_them_twice()
    {
        var store = CreateStore();
        await store.CreateSegmentAsync(Segment, default);
        var lease = await store.TakeLeaseAsync(Segment, default, breakHeldLease: false);
        await store.AppendBlockAsync(Segment, Bytes("abc"), 0, lease, default);

        await store.AppendBlockAsync(Segment, Bytes("abc"), 0, lease, default);

        Assert.Equal("abc", Text(await store.ReadAsync(Segment, 0, 100, default)));
        Assert.Equal(1, (await store.GetPropertiesAsync(Segment, default))!.BlockCount);
    }

    [Fact]
    public async Task A_new_lease_fences_the_writer_that_held_the_old_one()
    {
        var store = CreateStore();
        await store.CreateSegmentAsync(Segment, default);
        var old = await store.TakeLeaseAsync(Segment, default, breakHeldLease: false);
        await store.AppendBlockAsync(Segment, Bytes("old"), 0, old, default);

        var taken = await store.TakeLeaseAsync(Segment, default);

        Assert.NotEqual(old, taken);
        await Assert.ThrowsAsync<NotLeaderException>(() => store.AppendBlockAsync(Segment, Bytes("stale"), 3, old, default));
        await Assert.ThrowsAsync<NotLeaderException>(() => store.AppendBlockAsync(Segment, Bytes("none"), 3, null, default));
        await store.AppendBlockAsync(Segment, Bytes("new"), 3, taken, default);
        Assert.Equal("oldnew", Text(await store.ReadAsync(Segment, 0, 100, default)));
    }

    [Fact]
    public async Task A_held_lease_is_taken_without_breaking_only_after_its_holder_releases_it()
    {
        var store = CreateStore();
        await store.CreateSegmentAsync(Segment, default);
        var first = await store.TakeLeaseAsync(Segment, default, breakHeldLease: false);

        await Assert.ThrowsAsync<NotLeaderException>(() => store.TakeLeaseAsync(Segment, default, breakHeldLease: false));
        await store.ReleaseLeaseAsync(Segment, "not-the-lease-" + Guid.NewGuid(), default);
        await Assert.ThrowsAsync<NotLeaderException>(() => store.TakeLeaseAsync(Segment, default, breakHeldLease: false));

        await store.ReleaseLeaseAsync(Segment, first, default);
        var second = await store.TakeLeaseAsync(Segment, default, breakHeldLease: false);
        await store.AppendBlockAsync(Segment, Bytes("x"), 0, second, default);
        await Assert.ThrowsAsync<NotLeaderException>(() => store.AppendBlockAsync(Segment, Bytes("y"), 1, first, default));
    }

    [Fact]
    public async Task Missing_blobs_read_as_absent_and_cannot_be_appended_to()
    {
        var store = CreateStore();

        Assert.Null(await store.GetPropertiesAsync(Segment, default));
        Assert.Null(await store.ReadBlobAsync("topics/t/0/00000000000000000000.index", default));
        await store.CreateSegmentAsync("topics/t/9/00000000000000000000.log", default);
        await Assert.ThrowsAsync<StorageException>(() => store.AppendBlockAsync(Segment, Bytes("x"), 0, null, default));
        await store.DeleteAsync(Segment, default);
        await store.ReleaseLeaseAsync(Segment, Guid.NewGuid().ToString(), default);
    }

    [Fact]
    public async Task A_block_over_the_append_limit_is_refused_before_storage_sees_it()
    {
        var store = CreateStore();
        await store.CreateSegmentAsync(Segment, default);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.AppendBlockAsync(Segment, new byte[SegmentLimits.MaxAppendBlockBytes + 1], 0, null, default));
        Assert.Equal(0L, (await store.GetPropertiesAsync(Segment, default))!.Size);
    }

    [Fact]
    public async Task Whole_blobs_are_written_overwritten_listed_in_order_and_deleted_by_name_or_prefix()
    {
        var store = CreateStore();
        await store.WriteBlobAsync("topics/a/1/x.index", Bytes("one"), default);
        await store.WriteBlobAsync("topics/a/1/x.index", Bytes("two"), default);
        await store.WriteBlobAsync("topics/a/0/y.index", Bytes("y"), default);
        await store.WriteBlobAsync("topics/b/0/z.index", Bytes("z"), default);
        await store.CreateSegmentAsync("topics/a/2/s.log", default);
        await store.TakeLeaseAsync("topics/a/2/s.log", default, breakHeldLease: false);

        Assert.Equal("two", Text((await store.ReadBlobAsync("topics/a/1/x.index", default))!));
        Assert.Equal(["topics/a/0/y.index", "topics/a/1/x.index", "topics/a/2/s.log"], await store.ListAsync("topics/a/", default));

        await store.DeleteAsync("topics/a/0/y.index", default);
        Assert.Equal(2, await store.DeletePrefixAsync("topics/a/", default));
        Assert.Empty(await store.ListAsync("topics/a/", default));
        Assert.Equal(["topics/b/0/z.index"], await store.ListAsync("topics/", default));
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
