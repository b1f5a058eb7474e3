using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace EdgeFed.Aggregator.Extensions;

/// <summary>
/// Healthy from the moment the host has started until it begins to stop: grpc.health.v1 answers SERVING once the
/// aggregator serves and NOT_SERVING while it drains, so load balancers and agents move away before it goes.
/// </summary>
public sealed class LifetimeHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("stopping")
            : lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("starting"));
}
