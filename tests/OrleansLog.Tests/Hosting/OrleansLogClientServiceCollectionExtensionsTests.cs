using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrleansLog.Client;
using OrleansLog.Client.Hosting;
using OrleansLog.Tests.Metadata;

namespace OrleansLog.Tests.Hosting;

public sealed class OrleansLogClientServiceCollectionExtensionsTests
{
    [Fact]
    public void The_client_tells_time_by_the_hosts_TimeProvider()
    {
        var time = new FakeTimeProvider();
        using var services = new ServiceCollection()
            .AddSingleton(FakeGrainFactory.Create().Grains)
            .AddSingleton<TimeProvider>(time)
            .AddOrleansLogClient()
            .BuildServiceProvider();

        Assert.Same(time, services.GetRequiredService<OrleansLogClient>().Time);
    }

    [Fact]
    public void The_client_tells_time_by_the_system_clock_when_the_host_has_no_TimeProvider()
    {
        using var services = new ServiceCollection()
            .AddSingleton(FakeGrainFactory.Create().Grains)
            .AddOrleansLogClient()
            .BuildServiceProvider();

        Assert.Same(TimeProvider.System, services.GetRequiredService<OrleansLogClient>().Time);
    }
}
