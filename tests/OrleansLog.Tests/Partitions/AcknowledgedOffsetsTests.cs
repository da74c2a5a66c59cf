using OrleansLog.Partitions;

namespace OrleansLog.Tests.Partitions;

public sealed class AcknowledgedOffsetsTests
{
    private static readonly Guid Topic = Guid.NewGuid();

    [Fact]
    public void A_recovered_log_shorter_than_what_was_acknowledged_is_a_loss()
    {
        var offsets = new AcknowledgedOffsets();
        offsets.Advance(Topic, 0, 1141);

        Assert.Equal(1141, offsets.FindLoss(Topic, 0, 129));
        Assert.Null(offsets.FindLoss(Topic, 0, 1141));
        Assert.Null(offsets.FindLoss(Topic, 0, 2000));
    }

    [Fact]
    public void The_high_watermark_never_moves_back_and_is_kept_per_topic_id_and_partition()
    {
        var offsets = new AcknowledgedOffsets();
        offsets.Advance(Topic, 0, 500);
        offsets.Advance(Topic, 0, 300);
        offsets.Advance(Topic, 1, 10);

        Assert.Equal(500, offsets.FindLoss(Topic, 0, 300));
        Assert.Equal(10, offsets.FindLoss(Topic, 1, 0));
        Assert.Null(offsets.FindLoss(Topic, 2, 0));
        Assert.Null(offsets.FindLoss(Guid.NewGuid(), 0, 0));
    }
}
