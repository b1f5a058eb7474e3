using System.Text.RegularExpressions;
using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Server;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Ingest;

/// <summary>
/// The edgefed.v1.Aggregator service. Domain failures map to gRPC statuses here and nowhere else:
/// bad enrolment or key → UNAUTHENTICATED, a report for another agent → PERMISSION_DENIED, an invalid report →
/// INVALID_ARGUMENT naming the field.
/// </summary>
public sealed partial class AggregatorService(
    ReportStore store, IOptions<AggregatorOptions> options, TimeProvider time, ILogger<AggregatorService> logger)
    : Protocol.V1.Aggregator.AggregatorBase
{
    public override async Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context)
    {
        if (!AgentKeys.TokenMatches(request.EnrolmentToken, options.Value.EnrolmentToken))
        {
            Log.EnrolmentRefused(logger, request.AgentId);
            throw new RpcException(StatusCode.Unauthenticated, "Enrolment token is not valid.");
        }

        if (!AgentId().IsMatch(request.AgentId))
        {
            throw new RpcException(StatusCode.InvalidArgument, "agent_id: use 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
        }

        var key = AgentKeys.NewKey();
        await store.SaveAgentAsync(request.AgentId, AgentKeys.Hash(key), request.Region, request.Kind, time.GetUtcNow(), context.CancellationToken);
        Log.AgentEnrolled(logger, request.AgentId, request.Region);
        return new EnrollResponse { AgentKey = key };
    }

    public override async Task Report(IAsyncStreamReader<AggregateReport> requestStream, IServerStreamWriter<ReportAck> responseStream, ServerCallContext context)
    {
        var agent = await AuthenticateAsync(context);
        await foreach (var report in requestStream.ReadAllAsync(context.CancellationToken))
        {
            if (ReportValidator.Validate(report, agent, options.Value, time.GetUtcNow()) is { } problem)
            {
                Log.ReportRejected(logger, agent, report.Sequence, problem);
                throw new RpcException(report.AgentId != agent ? StatusCode.PermissionDenied : StatusCode.InvalidArgument, problem);
            }

            var stored = await store.StoreAsync(report, time.GetUtcNow(), context.CancellationToken);
            await responseStream.WriteAsync(new ReportAck { Sequence = report.Sequence, Duplicate = !stored }, context.CancellationToken);
        }
    }

    public override async Task<ConcentrationResponse> GetConcentration(ConcentrationRequest request, ServerCallContext context)
    {
        var from = request.From?.Seconds ?? 0;
        var to = request.To?.Seconds ?? long.MaxValue;
        var totals = request.Basis switch
        {
            Basis.Blocks when request.Dimension is Dimension.Pool or Dimension.Unspecified =>
                await store.BlocksByPoolAsync(from, to, context.CancellationToken),
            Basis.Blocks => throw new RpcException(StatusCode.InvalidArgument, "dimension: blocks are attributed to pools only."),
            _ when request.Dimension == Dimension.Unspecified => throw new RpcException(StatusCode.InvalidArgument, "dimension: required."),
            _ => await store.HashrateByAsync(request.Dimension, from, to, context.CancellationToken),
        };

        // Blocks are public data; reported hashrate is published only where k distinct agents stand behind it.
        var k = request.Basis == Basis.Blocks ? 1 : options.Value.MinAgentsPerCell;
        var published = totals.Where(t => t.Agents >= k).ToList();
        var summary = ConcentrationMetrics.Summarise(published.Select(t => KeyValuePair.Create(EntityName(request.Dimension, t.Entity), t.Value)));
        var response = new ConcentrationResponse
        {
            Total = summary.Total,
            Cr1 = summary.Cr1,
            Cr2 = summary.Cr2,
            Cr4 = summary.Cr4,
            Cr6 = summary.Cr6,
            Hhi = summary.Hhi,
            EffectiveEntities = summary.EffectiveEntities,
            NakamotoCoefficient = (uint)summary.NakamotoCoefficient,
            ContributingAgents = (uint)await store.CountAgentsAsync(from, to, context.CancellationToken),
            SuppressedEntities = (uint)(totals.Count - published.Count),
        };
        response.Shares.AddRange(summary.Shares.Select(s => new Protocol.V1.EntityShare { Entity = s.Entity, Value = s.Value, Share = s.Share }));
        return response;
    }

    private async Task<string> AuthenticateAsync(ServerCallContext context)
    {
        var key = AgentKeys.FromAuthorization(context.RequestHeaders.GetValue("authorization"))
                  ?? throw new RpcException(StatusCode.Unauthenticated, "Missing 'authorization: Bearer <agent key>' metadata; enrol first.");
        return await store.FindAgentByKeyHashAsync(AgentKeys.Hash(key), context.CancellationToken)
               ?? throw new RpcException(StatusCode.Unauthenticated, "Unknown agent key; enrol again.");
    }

    private static string EntityName(Dimension dimension, string stored) =>
        dimension == Dimension.Health && int.TryParse(stored, out var health) ? ((HealthClass)health).ToString() : stored;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex AgentId();
}
