using EdgeFed.Aggregator.Storage;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Aggregator.Ingest;

/// <summary>Finds the enrolled agent behind an <c>authorization</c> header; keys are stored only as their SHA-256.</summary>
public sealed class AgentDirectory(ReportStore store, ILogger<AgentDirectory> logger)
{
    public async Task<EnrolledAgent> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        var key = AgentKeys.FromAuthorization(authorization)
                  ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "Missing 'authorization: Bearer <agent key>' metadata; enrol first."));
        EnrolledAgent? agent;
        try
        {
            agent = await store.FindAgentByKeyHashAsync(AgentKeys.Hash(key), cancellationToken);
        }
        catch (Exception ex) when (ReportStore.IsStoreError(ex))
        {
            throw StoreRefusal.Unavailable(logger, ex); // not "unknown key": the key may well be known
        }

        return agent ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "Unknown agent key; enrol again."));
    }
}
