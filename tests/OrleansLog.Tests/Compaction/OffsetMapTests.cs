using System.Text;
using OrleansLog.Compaction;

namespace OrleansLog.Tests.Compaction;

public sealed class OffsetMapTests
{
    [Fact]
    public void The_newest_offset_of_each_key_wins_and_unknown_keys_have_none()
    {
        var map = new OffsetMap(1024 * 1024);
        map.TryPut(Key("a"), 1);
        map.TryPut(Key("b"), 2);
        map.TryPut(Key("a"), 7);

        Assert.Equal((7L, 2L, -1L), (map.Get(Key("a")), map.Get(Key("b")), map.Get(Key("c"))));
        Assert.Equal(2, map.Count);
    }

    [Fact]
    public void A_full_map_refuses_new_keys_but_still_moves_known_ones()
    {
        var map = new OffsetMap(OffsetMap.BytesPerSlot * 10);
        var taken = 0;
        while (map.TryPut(Key($"k{taken}"), taken))
        {
            taken++;
        }

        Assert.Equal(9, taken); // 90 % of 10 slots
        Assert.True(map.IsFull);
        Assert.True(map.TryPut(Key("k3"), 100));
        Assert.Equal(100, map.Get(Key("k3")));
        Assert.Equal(-1, map.Get(Key($"k{taken}")));
    }

    [Fact]
    public void Many_keys_are_all_found_again_in_a_map_sized_for_them()
    {
        var map = new OffsetMap(64L * 1024 * 1024, expectedKeys: 100_000);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(map.TryPut(Key($"key-{i}"), i));
        }

        Assert.All(Enumerable.Range(0, 100_000), i => Assert.Equal(i, map.Get(Key($"key-{i}"))));
        Assert.True(map.Slots < 64 * 1024 * 1024 / OffsetMap.BytesPerSlot, "sized for the expected keys, not the whole budget");
    }

    private static byte[] Key(string key) => Encoding.UTF8.GetBytes(key);
}
