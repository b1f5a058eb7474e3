using System.Text.Json;
using EdgeFed.Protocol.Tests.Infrastructure;
using Xunit;

namespace EdgeFed.Protocol.Tests;

/// <summary>python3-grpcio's client (C core, stubs generated at test time) against the real aggregator on Grpc.AspNetCore.</summary>
public sealed class AggregatorInteropTests : IAsyncLifetime
{
    private InteropAggregator _aggregator = null!;

    public async Task InitializeAsync() => _aggregator = await InteropAggregator.StartAsync();

    public async Task DisposeAsync() => await _aggregator.DisposeAsync();

    private Task<JsonElement> RunAsync(string scenario) => PythonPeer.RunClientAsync(_aggregator.Target, InteropAggregator.Token, scenario);

    [Fact]
    public async Task EveryRpc_EnrollReportWithAcksConcentrationAgentsAlerts()
    {
        var result = await RunAsync("rpcs");

        Assert.Equal("[[1,false],[2,false],[3,false],[4,false],[5,false],[3,true]]", result.GetProperty("acks").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(5000, result.GetProperty("total").GetDouble(), 6); // five reports of 1000 TH/s; the resent one not counted
        Assert.Equal([["foundryusa", 0.6], ["antpool", 0.4]], result.GetProperty("shares").EnumerateArray()
            .Select(s => new object[] { s[0].GetString()!, Math.Round(s[1].GetDouble(), 9) }).ToArray());
        Assert.Equal(5200, result.GetProperty("hhi").GetDouble(), 6);
        Assert.Equal(5, result.GetProperty("agents").GetProperty("py-rpcs").GetInt32());
        Assert.Equal(0, result.GetProperty("alerts").GetInt32());
    }

    [Fact]
    public async Task Errors_CarryTheirStatusAndAMessageNamingTheProblem()
    {
        var result = await RunAsync("errors");

        Assert.Equal("UNAUTHENTICATED", result.GetProperty("enroll").GetProperty("code").GetString());
        Assert.Equal("Enrolment token is not valid.", result.GetProperty("enroll").GetProperty("details").GetString());
        Assert.Equal("UNAUTHENTICATED", result.GetProperty("no_key").GetProperty("code").GetString());
        Assert.Equal("Missing 'authorization: Bearer <agent key>' metadata; enrol first.", result.GetProperty("no_key").GetProperty("details").GetString());
        Assert.Equal("INVALID_ARGUMENT", result.GetProperty("invalid").GetProperty("code").GetString());
        Assert.Equal("cells[1].hashrate_ths: -5 is not a finite, non-negative number.", result.GetProperty("invalid").GetProperty("details").GetString());
        Assert.Equal("INVALID_ARGUMENT", result.GetProperty("no_dimension").GetProperty("code").GetString());
        Assert.Equal("dimension: required.", result.GetProperty("no_dimension").GetProperty("details").GetString());
    }

    [Fact]
    public async Task AnExpiringDeadline_EndsTheStream_AndTheServerLetsItGo()
    {
        var result = await RunAsync("deadline");

        Assert.Equal("DEADLINE_EXCEEDED", result.GetProperty("expired").GetProperty("code").GetString());
        Assert.InRange(result.GetProperty("seconds").GetDouble(), 0.4, 5);
        Assert.Equal("[1,false]", result.GetProperty("after").GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancellingMidStream_KeepsWhatWasAcked_AndFreesTheStream()
    {
        var result = await RunAsync("cancel");

        Assert.Equal("[[1,false],[2,false]]", result.GetProperty("acks").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("CANCELLED", result.GetProperty("code").GetString());
        Assert.Equal("[3,false]", result.GetProperty("after").GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnOversizedReport_IsResourceExhausted_AndTheNextStreamIsServed()
    {
        var result = await RunAsync("oversized");

        Assert.True(result.GetProperty("size").GetInt32() > InteropAggregator.MaxReceiveMessageSize);
        Assert.Equal("RESOURCE_EXHAUSTED", result.GetProperty("result").GetProperty("code").GetString());
        Assert.Contains("Received message exceeds the maximum configured message size", result.GetProperty("result").GetProperty("details").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("[2,false]", result.GetProperty("after").GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gzip_BothWays()
    {
        var result = await RunAsync("gzip");

        Assert.Equal("[[1,false],[2,false]]", result.GetProperty("acks").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(2000, result.GetProperty("total").GetDouble(), 6);
        var report = Assert.Single(_aggregator.Calls, c => c.Path == "/edgefed.v1.Aggregator/Report");
        Assert.Equal("gzip", report.RequestEncoding);
        Assert.Equal("gzip", report.ResponseEncoding);
        Assert.Contains(_aggregator.Calls, c => c.Path == "/edgefed.v1.Aggregator/GetConcentration" && c.ResponseEncoding == "gzip");
    }

    [Fact]
    public async Task Health_ServesTheServerAndTheAggregatorService()
    {
        var result = await RunAsync("health");

        Assert.Equal("SERVING", result.GetProperty("server").GetString());
        Assert.Equal("SERVING", result.GetProperty("edgefed.v1.Aggregator").GetString());
        Assert.Equal("NOT_FOUND", result.GetProperty("unknown").GetString());
        Assert.Equal("SERVING", result.GetProperty("watch").GetString());
    }

    [Fact]
    public async Task Reflection_LetsAClientWithoutTheProtoFilesDiscoverAndCallTheService()
    {
        var result = await RunAsync("reflection");

        var services = result.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("edgefed.v1.Aggregator", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("edgefed/v1/aggregator.proto", result.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains("edgefed/v1/report.proto", result.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["Enroll", "Report", "GetConcentration", "ListAgents", "ListAlerts"], result.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(0, result.GetProperty("total").GetDouble());
    }
}
