using Grpc.Net.Client;
using Grpc.Core;
using EdgeFed.Protocol.V1;
using Xunit;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The Report stream end to end: our client, the real aggregator on Kestrel, a SQLite file.</summary>
public class ReportIngestTests : IAsyncLifetime
{
    /// <summary>The store under test; the PostgreSQL run derives from this class.</summary>
    protected virtual TestStore Store => TestStore.Sqlite;

    private AggregatorHost _host = null!;

    public async Task InitializeAsync() => _host = await AggregatorHost.StartAsync(store: Store, minAgents: 1);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> EnrollAsync(string agent) =>
        (await _host.Client.EnrollAsync(new EnrollRequest { AgentId = agent, EnrolmentToken = AggregatorHost.Token, Region = "CA" })).AgentKey;

    private AsyncDuplexStreamingCall<AggregateReport, ReportAck> Open(string key) =>
        _host.Client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }, DateTime.UtcNow.AddSeconds(30)));

    private static async Task<ReportAck> SendAsync(AsyncDuplexStreamingCall<AggregateReport, ReportAck> call, AggregateReport report)
    {
        await call.RequestStream.WriteAsync(report);
        Assert.True(await call.ResponseStream.MoveNext());
        return call.ResponseStream.Current;
    }

    private async Task<ConcentrationResponse> PoolsAsync() =>
        await _host.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate });

    [Fact]
    public async Task Report_IsAcknowledgedWithItsSequence_AndCounted()
    {
        var key = await EnrollAsync("farm-1");
        using var call = Open(key);

        var ack = await SendAsync(call, Report("farm-1", 1, Cell("foundryusa", 300), Cell("antpool", 100)));

        Assert.Equal(1ul, ack.Sequence);
        Assert.False(ack.Duplicate);
        var pools = await PoolsAsync();
        Assert.Equal(400, pools.Total, 6);
        Assert.Equal(0.75, pools.Cr1, 6);
    }

    [Fact]
    public async Task DuplicateSequence_IsAcknowledgedButNotCountedTwice()
    {
        var key = await EnrollAsync("farm-1");
        using var call = Open(key);

        await SendAsync(call, Report("farm-1", 7, Cell("foundryusa", 300)));
        var again = await SendAsync(call, Report("farm-1", 7, Cell("foundryusa", 300)));

        Assert.Equal(7ul, again.Sequence);
        Assert.True(again.Duplicate);
        Assert.Equal(300, (await PoolsAsync()).Total, 6);
    }

    [Fact]
    public async Task MissingKey_IsUnauthenticated()
    {
        using var call = _host.Client.Report();

        var error = await RefusalAsync(call, Report("farm-1", 1));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task WrongEnrolmentToken_IsUnauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _host.Client.EnrollAsync(new EnrollRequest { AgentId = "farm-1", EnrolmentToken = "guess" }));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task ReportForAnotherAgent_IsPermissionDenied()
    {
        var key = await EnrollAsync("farm-1");
        using var call = Open(key);

        var error = await RefusalAsync(call, Report("farm-2", 1));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Theory]
    [InlineData(-5.0, "cells[0].hashrate_ths")]
    [InlineData(double.NaN, "cells[0].hashrate_ths")]
    [InlineData(1e12, "more than the whole network")]
    public async Task ImplausibleCell_IsInvalidArgumentNamingTheField_AndNothingIsStored(double hashrate, string expected)
    {
        var key = await EnrollAsync("farm-1");
        using var call = Open(key);

        var error = await RefusalAsync(call, Report("farm-1", 1, Cell("antpool", 10), Cell("foundryusa", hashrate)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected.Replace("cells[0]", "cells[1]", StringComparison.Ordinal), error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await PoolsAsync()).Total);
    }

    [Fact]
    public async Task AcknowledgedReports_SurviveAnAggregatorRestart()
    {
        var key = await EnrollAsync("farm-1");
        using (var call = Open(key))
        {
            await SendAsync(call, Report("farm-1", 1, Cell("viabtc", 120)));
        }

        var (directory, database) = (_host.Directory, _host.Database);
        _host.KeepDatabase = true;
        await _host.DisposeAsync();
        _host = await AggregatorHost.StartAsync(store: Store, minAgents: 1, directory: directory, database: database);

        Assert.Equal(120, (await PoolsAsync()).Total, 6);
        using var again = Open(key);
        Assert.True((await SendAsync(again, Report("farm-1", 1, Cell("viabtc", 120)))).Duplicate);
    }
}

/// <summary>The same tests against a real PostgreSQL server.</summary>
public sealed class ReportIngestTestsOnPostgres : ReportIngestTests
{
    protected override TestStore Store => TestStore.Postgres;
}
