using EdgeFed.Agent;
using EdgeFed.Agent.Outbox;
using EdgeFed.Agent.Uplink;
using EdgeFed.Protocol.Tests.Infrastructure;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;
using AggregatorContract = EdgeFed.Protocol.V1.Aggregator;

namespace EdgeFed.Protocol.Tests;

/// <summary>The agent's client side (Grpc.Net.Client over its SocketsHttpHandler channel) against an Aggregator written on python3-grpcio.</summary>
public sealed class UplinkInteropTests : IAsyncLifetime
{
    private const string Token = "interop-token-0123456789";
    private PythonPeer.PythonServer _server = null!;
    private string _state = null!;

    public async Task InitializeAsync()
    {
        _server = await PythonPeer.StartServerAsync();
        _state = Directory.CreateTempSubdirectory("edgefed-uplink-interop-").FullName;
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_state, recursive: true);
        return Task.CompletedTask;
    }

    private (AggregatorUplink Uplink, AgentStateStore State) Uplink(string agent, string compression = "gzip", string token = Token)
    {
        var options = Options.Create(new AgentOptions
        {
            AgentId = agent, Region = "CA", AggregatorUrl = _server.Address.ToString(), EnrolmentToken = token, ReportCompression = compression,
            StateDirectory = Path.Combine(_state, agent + compression),
        });
        var state = new AgentStateStore(options);
        return (new AggregatorUplink(options, state, NullLogger<AggregatorUplink>.Instance), state);
    }

    private AggregatorContract.AggregatorClient Client() => new(AggregatorChannel.Create(_server.Address.ToString(), caFile: null));

    private static AggregateReport Report(string agent, ulong sequence, int cells = 2)
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(-1);
        var report = new AggregateReport
        {
            AgentId = agent, Sequence = sequence, Region = "CA", Kind = AgentKind.Farm, SoftwareVersion = "interop",
            WindowStart = Timestamp.FromDateTimeOffset(end.AddMinutes(-1)), WindowEnd = Timestamp.FromDateTimeOffset(end),
        };
        for (var i = 0; i < cells; i++)
        {
            report.Cells.Add(new AggregateCell
            {
                Key = new CellKey { Pool = "foundryusa", TemplateProvider = "foundryusa", Vendor = "Bitmain", Model = "Antminer S21", Health = HealthClass.Healthy },
                MinerCount = 10, HashrateThs = 2000, MeanConfidence = 0.9,
            });
        }

        return report;
    }

    [Fact]
    public async Task HealthEnrolAndTheReportStream_AckEveryReport_AndADuplicate()
    {
        var (uplink, state) = Uplink("py-agent");
        using var _ = uplink;
        using var __ = state;

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await uplink.CheckHealthAsync(CancellationToken.None));
        var key = await uplink.EnsureEnrolledAsync(force: false, CancellationToken.None);
        using var session = uplink.OpenReportStream(key, TimeSpan.FromSeconds(10), CancellationToken.None);
        var acks = new List<(ulong, bool)>();
        foreach (var sequence in new ulong[] { 1, 2, 3, 2 })
        {
            var ack = await session.SendAsync(Report("py-agent", sequence), CancellationToken.None);
            acks.Add((ack.Sequence, ack.Duplicate));
        }

        await session.CompleteAsync(CancellationToken.None);

        Assert.Equal("py-key-py-agent", key);
        Assert.Equal("py-key-py-agent", state.AgentKey);
        Assert.Equal([(1UL, false), (2UL, false), (3UL, false), (2UL, true)], acks);
    }

    [Fact]
    public async Task TheQueries_ComeThroughTyped_AndAGzipResponseIsDecoded()
    {
        var (uplink, state) = Uplink("py-queries");
        using var _ = uplink;
        using var __ = state;
        await uplink.EnsureEnrolledAsync(force: false, CancellationToken.None);
        var client = Client();

        var pools = await client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate }, deadline: DateTime.UtcNow.AddSeconds(10));
        var agents = await client.ListAgentsAsync(new ListAgentsRequest(), deadline: DateTime.UtcNow.AddSeconds(10)); // sent gzip-compressed
        var alerts = await client.ListAlertsAsync(new ListAlertsRequest { Limit = 5 }, deadline: DateTime.UtcNow.AddSeconds(10));

        Assert.Equal(["foundryusa", "antpool"], pools.Shares.Select(s => s.Entity));
        Assert.Equal(5200, pools.Hhi);
        Assert.Equal(1U, pools.NakamotoCoefficient);
        Assert.Contains(agents.Agents, a => a.AgentId == "py-queries");
        Assert.Equal("block_run", Assert.Single(alerts.Alerts).Kind);
    }

    [Fact]
    public async Task AnErrorStatus_KeepsItsNonAsciiMessage()
    {
        var (uplink, state) = Uplink("py-refused", token: "not-the-token-at-all");
        using var _ = uplink;
        using var __ = state;

        var error = await Assert.ThrowsAsync<RpcException>(() => uplink.EnsureEnrolledAsync(force: false, CancellationToken.None));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("bad enrolment token — désolé, 100% refusé", error.Status.Detail);
        Assert.False(RetryPolicy.IsTransient(error));
    }

    [Fact]
    public async Task AnExpiringDeadline_IsDeadlineExceeded_AndThePeerSeesTheCallEnd()
    {
        var client = Client();

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetConcentrationAsync(
            new ConcentrationRequest { Dimension = Dimension.Region, Basis = Basis.Hashrate }, deadline: DateTime.UtcNow.AddSeconds(2)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(await _server.WaitForLineAsync("cancelled GetConcentration", TimeSpan.FromSeconds(30)) is not null, _server.Transcript);
    }

    [Fact]
    public async Task CancellingTheReportStreamMidway_IsSeenByThePeer()
    {
        var (uplink, state) = Uplink("py-cancel");
        using var _ = uplink;
        using var __ = state;
        var key = await uplink.EnsureEnrolledAsync(force: false, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        using var session = uplink.OpenReportStream(key, TimeSpan.FromSeconds(10), stop.Token);
        await session.SendAsync(Report("py-cancel", 1), stop.Token);

        await stop.CancelAsync();

        // The stream was never half-closed, so the server can only see it end through the cancel.
        Assert.True(await _server.WaitForLineAsync("ended Report py-cancel", TimeSpan.FromSeconds(30)) is not null, _server.Transcript);
        var error = await Assert.ThrowsAsync<RpcException>(() => session.SendAsync(Report("py-cancel", 2), stop.Token));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task AResponseOverTheClientsLimit_IsResourceExhausted()
    {
        var client = Client();

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ListAlertsAsync(new ListAlertsRequest { Limit = 999 }, deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Reports_AreSentGzipCompressed_AndThePeerReadsThem()
    {
        var big = Report("py-gzip", 1, cells: 2000);
        var sizes = new Dictionary<string, long>();
        foreach (var compression in new[] { "gzip", "none" })
        {
            var (uplink, state) = Uplink("py-gzip", compression);
            using var _ = uplink;
            using var __ = state;
            var key = await uplink.EnsureEnrolledAsync(force: false, CancellationToken.None);
            using var session = uplink.OpenReportStream(key, TimeSpan.FromSeconds(10), CancellationToken.None);
            await session.SendAsync(Report("py-gzip", 100), CancellationToken.None); // the connection and its headers first
            var before = AgentCounters.UplinkBytesSent;
            var ack = await session.SendAsync(big, CancellationToken.None);
            sizes[compression] = AgentCounters.UplinkBytesSent - before;
            Assert.Equal(1UL, ack.Sequence);
            Assert.NotNull(await _server.WaitForLineAsync("report 1 cells 2000", TimeSpan.FromSeconds(10)));
        }

        Assert.True(sizes["none"] >= big.CalculateSize(), $"uncompressed: {sizes["none"]} bytes for a {big.CalculateSize()}-byte report");
        Assert.True(sizes["gzip"] < big.CalculateSize() / 10, $"gzip: {sizes["gzip"]} bytes for a {big.CalculateSize()}-byte report");
    }
}
