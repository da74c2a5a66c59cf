using System.Net;
using OrleansLog.Kafka.Brokers;

namespace OrleansLog.Tests.Kafka;

public sealed class KafkaBrokerListTests
{
    private static readonly SiloAddress Local = Silo(1);
    private static readonly SiloAddress Other = Silo(2);
    private static readonly SiloAddress Third = Silo(3);
    private static readonly KafkaBrokerEndpoint LocalBroker = new(Local, 300, "127.0.0.1", 9092);
    private static readonly KafkaBrokerEndpoint OtherBroker = new(Other, 100, "127.0.0.1", 9093);
    private static readonly KafkaBrokerEndpoint ThirdBroker = new(Third, 200, "127.0.0.1", 9094);

    [Fact]
    public void Active_lists_the_local_broker_and_every_active_silos_broker_by_node_id()
    {
        var list = new KafkaBrokerList();
        var status = Statuses((Local, SiloStatus.Active), (Other, SiloStatus.Active), (Third, SiloStatus.Active));
        list.Merge([LocalBroker, OtherBroker, ThirdBroker], status);

        var active = list.Active(LocalBroker, status);

        Assert.Equal([100, 200, 300], active.Select(b => b.NodeId));
        Assert.Equal([9093, 9094, 9092], active.Select(b => b.Port));
    }

    [Fact]
    public void The_local_broker_is_listed_before_any_registration()
    {
        var active = new KafkaBrokerList().Active(LocalBroker, Statuses((Local, SiloStatus.Active)));

        Assert.Equal([LocalBroker], active);
    }

    [Theory]
    [InlineData(SiloStatus.Joining)]
    [InlineData(SiloStatus.ShuttingDown)]
    [InlineData(SiloStatus.Stopping)]
    [InlineData(SiloStatus.Dead)]
    [InlineData(SiloStatus.None)]
    public void Only_active_silos_are_listed(SiloStatus otherStatus)
    {
        var list = new KafkaBrokerList();
        list.Merge([OtherBroker], Statuses((Other, SiloStatus.Active)));

        var active = list.Active(LocalBroker, Statuses((Local, SiloStatus.Active), (Other, otherStatus)));

        Assert.Equal([LocalBroker], active);
    }

    [Fact]
    public void A_refilling_registry_does_not_drop_brokers_of_silos_that_are_still_members()
    {
        var list = new KafkaBrokerList();
        var status = Statuses((Local, SiloStatus.Active), (Other, SiloStatus.Active), (Third, SiloStatus.Active));
        list.Merge([LocalBroker, OtherBroker, ThirdBroker], status);

        // A re-activated registry knows only the silos that registered since.
        list.Merge([LocalBroker], status);

        Assert.Equal([100, 200, 300], list.Active(LocalBroker, status).Select(b => b.NodeId));
    }

    [Fact]
    public void Brokers_of_silos_that_left_are_forgotten()
    {
        var list = new KafkaBrokerList();
        list.Merge([LocalBroker, OtherBroker, ThirdBroker], Statuses((Local, SiloStatus.Active), (Other, SiloStatus.Active), (Third, SiloStatus.Active)));

        // Other died; Third is gone from the membership table altogether (and the registry no longer names it).
        list.Merge([LocalBroker, OtherBroker], Statuses((Local, SiloStatus.Active), (Other, SiloStatus.Dead)));

        Assert.Equal(1, list.Count);
    }

    [Fact]
    public void A_broker_the_registry_names_is_kept_before_membership_here_has_seen_its_silo()
    {
        var list = new KafkaBrokerList();
        list.Merge([LocalBroker, OtherBroker], Statuses((Local, SiloStatus.Active)));

        Assert.Equal(2, list.Count);
        Assert.False(list.LacksAny([Local, Other], Local));
        Assert.Equal([100, 300], list.Active(LocalBroker, Statuses((Local, SiloStatus.Active), (Other, SiloStatus.Active))).Select(b => b.NodeId));
    }

    [Fact]
    public void LacksAny_is_true_for_an_active_silo_without_a_known_broker_other_than_the_local_one()
    {
        var list = new KafkaBrokerList();
        list.Merge([OtherBroker], Statuses((Other, SiloStatus.Active)));

        Assert.False(list.LacksAny([Local, Other], Local));
        Assert.True(list.LacksAny([Local, Other, Third], Local));
    }

    private static SiloAddress Silo(int i) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + i), 100 + i);

    private static Func<SiloAddress, SiloStatus> Statuses(params (SiloAddress Silo, SiloStatus Status)[] statuses) =>
        silo => statuses.FirstOrDefault(s => s.Silo.Equals(silo)) is { Silo: not null } found ? found.Status : SiloStatus.None;
}
