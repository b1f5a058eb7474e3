using System.Text.RegularExpressions;
using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Ingest;

/// <summary>
/// The edgefed.v1.Aggregator service. Domain failures map to gRPC statuses here and nowhere else:
/// bad enrolment or key → UNAUTHENTICATED, a report for another agent → PERMISSION_DENIED, an invalid report →
/// INVALID_ARGUMENT naming the field, too many reports or streams → RESOURCE_EXHAUSTED. The agent behind a Report
/// stream was authenticated by <see cref="AgentAuthInterceptor"/>.
/// </summary>
public sealed partial class AggregatorService(
    ReportStore store, IngestLimiter limiter, ConcentrationQuery concentration, IOptions<AggregatorOptions> options, TimeProvider time,
    Metrics.AggregatorMetrics metrics, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime, ILogger<AggregatorService> logger)
    : Protocol.V1.Aggregator.AggregatorBase
{
    public override async Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context)
    {
        // A regional aggregator's merged cells count for many agents toward k: enrolling as one takes a token of its own.
        var expected = request.Kind == AgentKind.Aggregator ? options.Value.RegionalEnrolmentToken : options.Value.EnrolmentToken;
        if (string.IsNullOrEmpty(expected) || !AgentKeys.TokenMatches(request.EnrolmentToken, expected))
        {
            Log.EnrolmentRefused(logger, request.AgentId);
            throw new RpcException(new Status(StatusCode.Unauthenticated, request.Kind == AgentKind.Aggregator
                ? "Enrolment token is not valid for AGENT_KIND_AGGREGATOR (the global aggregator's Aggregator:RegionalEnrolmentToken)."
                : "Enrolment token is not valid."));
        }

        if (!AgentId().IsMatch(request.AgentId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "agent_id: use 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'."));
        }

        var key = AgentKeys.NewKey();
        try
        {
            await store.SaveAgentAsync(request.AgentId, AgentKeys.Hash(key), request.Region, request.Kind, time.GetUtcNow(), context.CancellationToken);
        }
        catch (Exception ex) when (ReportStore.IsStoreError(ex))
        {
            throw StoreRefusal.Unavailable(logger, ex);
        }

        Log.AgentEnrolled(logger, request.AgentId, request.Region);
        return new EnrollResponse { AgentKey = key };
    }

    public override async Task Report(IAsyncStreamReader<AggregateReport> requestStream, IServerStreamWriter<ReportAck> responseStream, ServerCallContext context)
    {
        var enrolled = AgentAuthInterceptor.EnrolledOf(context);
        var agent = enrolled.Id;
        using var slot = limiter.OpenStream();
        // A stopping aggregator ends its streams at once (UNAVAILABLE) instead of holding the shutdown until they end:
        // its agents move to another replica without waiting, and what was not acknowledged goes there.
        using var call = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await ReceiveAsync(requestStream, responseStream, agent, enrolled, call.Token);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The aggregator is shutting down; send the rest to another replica or later."));
        }
    }

    private async Task ReceiveAsync(IAsyncStreamReader<AggregateReport> requestStream, IServerStreamWriter<ReportAck> responseStream, string agent,
        EnrolledAgent enrolled, CancellationToken cancellationToken)
    {
        var bucket = limiter.BucketOf(agent);
        await foreach (var report in requestStream.ReadAllAsync(cancellationToken))
        {
            metrics.ReportsReceived.Inc();
            bucket.Take();
            if (ReportValidator.Validate(report, enrolled, options.Value, time.GetUtcNow()) is { } problem)
            {
                Log.ReportRejected(logger, agent, report.Sequence, problem);
                throw new RpcException(new Status(report.AgentId != agent ? StatusCode.PermissionDenied : StatusCode.InvalidArgument, problem));
            }

            bool stored;
            try
            {
                stored = await store.StoreAsync(report, time.GetUtcNow(), cancellationToken);
            }
            catch (Exception ex) when (ReportStore.IsStoreError(ex))
            {
                // Not acknowledged, so the agent keeps it and sends it again, here or to another replica.
                throw StoreRefusal.Unavailable(logger, ex);
            }

            await responseStream.WriteAsync(new ReportAck { Sequence = report.Sequence, Duplicate = !stored }, cancellationToken);
            metrics.Acked(duplicate: !stored).Inc();
        }
    }

    public override Task<ConcentrationResponse> GetConcentration(ConcentrationRequest request, ServerCallContext context) =>
        concentration.RunAsync(request, context.CancellationToken);

    public override async Task<ListAgentsResponse> ListAgents(ListAgentsRequest request, ServerCallContext context)
    {
        var response = new ListAgentsResponse();
        response.Agents.AddRange(await store.ListAgentsAsync(context.CancellationToken));
        return response;
    }

    public override async Task<ListAlertsResponse> ListAlerts(ListAlertsRequest request, ServerCallContext context)
    {
        var response = new ListAlertsResponse();
        response.Alerts.AddRange(await store.ListAlertsAsync(request.Limit is 0 or > 1000 ? 50 : (int)request.Limit, context.CancellationToken));
        return response;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex AgentId();
}
