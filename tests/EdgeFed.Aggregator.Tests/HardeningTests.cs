using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Net.Client;
using Grpc.Core;
using Grpc.Health.V1;
using EdgeFed.Protocol.V1;
using Xunit;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests;

/// <summary>Limits, bad input and interop at the aggregator: the right status, nothing stored, and everyone else still served.</summary>
public sealed class HardeningTests
{
    private static async Task<string> EnrollAsync(AggregatorHost host, string agent) =>
        (await host.Client.EnrollAsync(new EnrollRequest { AgentId = agent, EnrolmentToken = AggregatorHost.Token, Region = "CA" })).AgentKey;

    private static AsyncDuplexStreamingCall<AggregateReport, ReportAck> Open(AggregatorHost host, string key) =>
        host.Client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }, DateTime.UtcNow.AddSeconds(30)));

    private static async Task<bool> ServingAsync(AggregatorHost host) =>
        (await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.Serving;

    [Fact]
    public async Task AgentAboveItsReportRate_GetsResourceExhausted_OthersAreServed()
    {
        await using var host = await AggregatorHost.StartAsync(minAgents: 1, settings: new() { ["Aggregator:MaxReportsPerSecondPerAgent"] = "1", ["Aggregator:ReportBurstPerAgent"] = "3" });
        var (noisy, calm) = (await EnrollAsync(host, "noisy"), await EnrollAsync(host, "calm"));
        using var call = Open(host, noisy);
        var acked = 0;
        RpcException? error = null;
        try
        {
            for (var s = 1ul; s <= 10; s++)
            {
                await call.RequestStream.WriteAsync(Report("noisy", s, Cell("antpool", 10)));
                Assert.True(await call.ResponseStream.MoveNext());
                acked++;
            }
        }
        catch (RpcException ex)
        {
            error = ex;
        }

        using var other = Open(host, calm);
        await other.RequestStream.WriteAsync(Report("calm", 1, Cell("foundryusa", 10)));
        Assert.True(await other.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.ResourceExhausted, error?.StatusCode);
        Assert.Equal(3, acked);
        Assert.True(await ServingAsync(host));
    }

    [Fact]
    public async Task StreamsAboveTheCeiling_GetResourceExhausted()
    {
        await using var host = await AggregatorHost.StartAsync(minAgents: 1, settings: new() { ["Aggregator:MaxConcurrentStreams"] = "2" });
        var key = await EnrollAsync(host, "many");
        using var first = Open(host, key);
        using var second = Open(host, key);
        await first.RequestStream.WriteAsync(Report("many", 1, Cell("antpool", 1)));
        await second.RequestStream.WriteAsync(Report("many", 2, Cell("antpool", 1)));
        Assert.True(await first.ResponseStream.MoveNext());
        Assert.True(await second.ResponseStream.MoveNext());

        using var third = Open(host, key);
        var error = await RefusalAsync(third, Report("many", 3, Cell("antpool", 1)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await second.RequestStream.WriteAsync(Report("many", 4, Cell("antpool", 1)));
        Assert.True(await second.ResponseStream.MoveNext()); // the open streams go on
    }

    [Fact]
    public async Task MalformedProtobuf_IsRejected_NothingStored_ServerHealthy()
    {
        await using var host = await AggregatorHost.StartAsync(minAgents: 1);
        var key = await EnrollAsync(host, "garbage");
        using var http = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = new Version(2, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        // One gRPC frame whose 5 bytes are not an AggregateReport (field 1 declared 100 bytes long).
        byte[] body = [0, 0, 0, 0, 5, 0x0a, 0x64, 0x01, 0x02, 0x03];
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Address, "/edgefed.v1.Aggregator/Report")) { Content = new ByteArrayContent(body), Version = new Version(2, 0), VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("authorization", "Bearer " + key);

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.First()
            : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : $"HTTP {(int)response.StatusCode} {response.Version}";

        Assert.Equal("13", status); // INTERNAL: the message does not parse
        Assert.Equal(0, (await host.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate })).Total);
        Assert.True(await ServingAsync(host));
    }

    [Fact]
    public async Task OversizedReport_IsResourceExhausted_NothingStored()
    {
        await using var host = await AggregatorHost.StartAsync(minAgents: 1, settings: new() { ["Grpc:MaxReceiveMessageSize"] = "65536" });
        var key = await EnrollAsync(host, "big");
        using var call = Open(host, key);
        var huge = Report("big", 1, Enumerable.Range(0, 2000).Select(i => Cell($"pool{i}", 1)).ToArray());

        var error = await RefusalAsync(call, huge);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(0, (await host.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate })).Total);
        Assert.True(await ServingAsync(host));
    }

    [Fact]
    public async Task GetConcentration_FromPythonGrpcio_MatchesOurClient()
    {
        await using var host = await AggregatorHost.StartAsync(minAgents: 3);
        foreach (var (agent, foundry, antpool) in new[] { ("f1", 300.0, 100.0), ("f2", 200.0, 200.0), ("f3", 100.0, 100.0) })
        {
            using var call = Open(host, await EnrollAsync(host, agent));
            await call.RequestStream.WriteAsync(Report(agent, 1, Cell("foundryusa", foundry), Cell("antpool", antpool)));
            Assert.True(await call.ResponseStream.MoveNext());
        }

        var ours = await host.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate });
        var python = await RunPythonAsync(host.Address.Authority);

        Assert.Equal(ours.Total, python.GetProperty("total").GetDouble(), 9);
        Assert.Equal(ours.Hhi, python.GetProperty("hhi").GetDouble(), 9);
        Assert.Equal(ours.Tau66, python.GetProperty("tau66").GetUInt32());
        Assert.Equal(ours.HhiBand2010, python.GetProperty("band").GetString());
        Assert.Equal(["foundryusa", "antpool"], python.GetProperty("shares").EnumerateArray().Select(s => s[0].GetString()));
        Assert.Equal(["f1", "f2", "f3"], python.GetProperty("agents").EnumerateArray().Select(a => a.GetString()));
    }

    private static async Task<JsonElement> RunPythonAsync(string target)
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "proto"));
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("EDGEFED_PYTHON") ?? "/usr/bin/python3")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Interop", "concentration_client.py"));
        info.ArgumentList.Add(target);
        info.ArgumentList.Add(root);
        info.Environment["no_proxy"] = "*";
        using var process = Process.Start(info)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = await process.StandardOutput.ReadToEndAsync(limit.Token);
        var errors = await process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, errors);
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
    }
}
