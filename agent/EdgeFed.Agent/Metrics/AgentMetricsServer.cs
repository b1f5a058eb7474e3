using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prometheus;

namespace EdgeFed.Agent.Metrics;

/// <summary>Serves <see cref="AgentMetrics"/> on <c>Agent:MetricsUrl</c> (e.g. <c>http://127.0.0.1:9464/metrics</c>) when it is set.</summary>
public sealed class AgentMetricsServer(AgentMetrics metrics, IOptions<AgentOptions> options) : IHostedService
{
    private IMetricServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MetricsUrl is { Length: > 0 } url)
        {
            var uri = new Uri(url);
            _server = new MetricServer(uri.Host, uri.Port, uri.AbsolutePath.Trim('/') + "/", metrics.Registry).Start(); // HttpListener prefixes end in '/'
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }
}
