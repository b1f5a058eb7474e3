using System.Net;
using EdgeFed.Protocol.V1;
using Grpc.Core;
using Xunit;

namespace EdgeFed.Aggregator.Tests.Http;

/// <summary>A flood of HTTP requests meets the limits (429 beyond the queue) while gRPC ingest keeps being served.</summary>
public sealed class HttpFloodTests
{
    [Fact]
    public async Task HttpFlood_GetsTooManyRequests_WhileEveryReportIsStillAcknowledged()
    {
        await using var api = await HttpFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Aggregator:Http:MaxConcurrentRequests"] = "1", ["Aggregator:Http:QueueLimit"] = "2",
        });
        var key = (await api.Host.Client.EnrollAsync(new EnrollRequest { AgentId = "farm-flood", EnrolmentToken = AggregatorHost.Token, Region = "CA", Kind = AgentKind.Farm })).AgentKey;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // 400 requests for the heaviest views, 50 at a time, against one stream of 100 reports.
        var flood = Task.Run(async () =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var round = 0; round < 8; round++)
            {
                var batch = Enumerable.Range(0, 50).Select(_ => api.Client.GetAsync("/api/v1/coverage?range=all", stop.Token));
                foreach (var response in await Task.WhenAll(batch))
                {
                    statuses.Add(response.StatusCode);
                    response.Dispose();
                }
            }

            return statuses;
        });
        using var call = api.Host.Client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }, DateTime.UtcNow.AddSeconds(60)));
        var acked = 0;
        for (ulong sequence = 1; sequence <= 100; sequence++)
        {
            await call.RequestStream.WriteAsync(ReportBuilder.Report("farm-flood", sequence, ReportBuilder.Cell("foundryusa", 100)), stop.Token);
            Assert.True(await call.ResponseStream.MoveNext(stop.Token));
            acked += call.ResponseStream.Current.Sequence == sequence ? 1 : 0;
        }

        var statuses = await flood;

        Assert.Equal(100, acked);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(400, statuses.Count);
    }
}
