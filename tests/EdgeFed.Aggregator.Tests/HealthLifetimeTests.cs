using Grpc.Core;
using Grpc.Health.V1;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace EdgeFed.Aggregator.Tests;

/// <summary>grpc.health.v1 follows the host's lifetime: SERVING once started, NOT_SERVING from the moment it begins to stop.</summary>
public sealed class HealthLifetimeTests
{
    [Fact]
    public async Task Health_IsServingWhenStarted_AndNotServingOnceStopping()
    {
        await using var host = await AggregatorHost.StartAsync(minAgents: 1);
        var health = new Health.HealthClient(host.Channel);

        var started = await health.CheckAsync(new HealthCheckRequest());
        var serviceStarted = await health.CheckAsync(new HealthCheckRequest { Service = "edgefed.v1.Aggregator" });
        using var watch = health.Watch(new HealthCheckRequest());
        Assert.True(await watch.ResponseStream.MoveNext());
        var watched = watch.ResponseStream.Current.Status;

        host.Lifetime.StopApplication(); // the host begins to stop (here nothing takes Kestrel down yet, so we can still ask)
        var stopping = await health.CheckAsync(new HealthCheckRequest());
        var serviceStopping = await health.CheckAsync(new HealthCheckRequest { Service = "edgefed.v1.Aggregator" });

        Assert.Equal(ServingStatus.Serving, started.Status);
        Assert.Equal(ServingStatus.Serving, serviceStarted.Status);
        Assert.Equal(ServingStatus.Serving, watched);
        Assert.Equal(ServingStatus.NotServing, stopping.Status);
        Assert.Equal(ServingStatus.NotServing, serviceStopping.Status);
    }
}
