using System.Net;
using System.Net.Sockets;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Metrics;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Metrics;

/// <summary>The agent's optional local /metrics: polls, errors by kind and miners per health class, served over HTTP.</summary>
public sealed class AgentMetricsTests
{
    private static MinerSample Sample(string endpoint, double ths, params PollError[] errors) => new()
    {
        Endpoint = endpoint, Time = DateTimeOffset.UtcNow, Family = MinerFamily.Antminer, State = errors.Length > 0 ? MiningState.Unreachable : MiningState.Mining,
        HashrateThs = ths, Errors = errors,
    };

    [Fact]
    public async Task Cycle_IsServedOnTheMetricsUrl_PollsErrorsByKindAndMinersPerHealthClass()
    {
        var metrics = new AgentMetrics();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var server = new AgentMetricsServer(metrics, Options.Create(new AgentOptions { MetricsUrl = $"http://127.0.0.1:{port}/metrics" }));
        await server.StartAsync(CancellationToken.None);
        try
        {
            metrics.RecordCycle([Sample("a", 100), Sample("b", 50), Sample("c", 0, new PollError(PollErrorKind.Timeout, "stats", "no answer"))],
                ["healthy", "fan_fault", "offline"]);
            metrics.RecordCycle([Sample("a", 100), Sample("b", 50), Sample("c", 0, new PollError(PollErrorKind.Timeout, "stats", "no answer"))],
                ["healthy", "healthy", "offline"]);

            using var client = new HttpClient();
            var text = await client.GetStringAsync($"http://127.0.0.1:{port}/metrics");

            Assert.Contains("edgefed_agent_polls_total 6", text, StringComparison.Ordinal);
            Assert.Contains("edgefed_agent_poll_errors_total{kind=\"Timeout\"} 2", text, StringComparison.Ordinal);
            Assert.Contains("edgefed_agent_miners{health=\"healthy\"} 2", text, StringComparison.Ordinal);
            Assert.Contains("edgefed_agent_miners{health=\"fan_fault\"} 0", text, StringComparison.Ordinal); // gone since the last cycle
            Assert.Contains("edgefed_agent_hashrate_ths 150", text, StringComparison.Ordinal);
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
        }
    }
}
