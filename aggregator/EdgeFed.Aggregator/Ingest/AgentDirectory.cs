using EdgeFed.Aggregator.Storage;
using Grpc.Core;

namespace EdgeFed.Aggregator.Ingest;

/// <summary>Finds the enrolled agent behind an <c>authorization</c> header; keys are stored only as their SHA-256.</summary>
public sealed class AgentDirectory(ReportStore store)
{
    public async Task<EnrolledAgent> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        var key = AgentKeys.FromAuthorization(authorization)
                  ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "Missing 'authorization: Bearer <agent key>' metadata; enrol first."));
        return await store.FindAgentByKeyHashAsync(AgentKeys.Hash(key), cancellationToken)
               ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "Unknown agent key; enrol again."));
    }
}
