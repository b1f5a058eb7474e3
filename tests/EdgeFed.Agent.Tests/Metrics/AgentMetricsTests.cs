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

    [Fact]
    public async Task Scrape_CountsTheBytesAllocatedAndTheCollectionsOfEachGeneration()
    {
        var metrics = new AgentMetrics();
        var before = await ScrapeAsync(metrics);
        var garbage = new byte[4 << 20];
        GC.KeepAlive(garbage);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var after = await ScrapeAsync(metrics);

        Assert.True(Value(after, "edgefed_agent_gc_allocated_bytes_total") - Value(before, "edgefed_agent_gc_allocated_bytes_total") >= 4 << 20);
        foreach (var generation in new[] { "0", "1", "2" })
        {
            var name = $"edgefed_agent_gc_collections_total{{generation=\"{generation}\"}}";
            Assert.True(Value(after, name) > Value(before, name), name);
        }
    }

    private static async Task<string> ScrapeAsync(AgentMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static double Value(string text, string name)
    {
        var line = text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return double.Parse(line.AsSpan(name.Length + 1), System.Globalization.CultureInfo.InvariantCulture);
    }
}
