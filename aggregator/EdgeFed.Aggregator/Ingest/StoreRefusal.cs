using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Aggregator.Ingest;

/// <summary>
/// A store failure (PostgreSQL restarting, SQLite busy or out of disk) as the status agents retry: UNAVAILABLE. Left to
/// gRPC it would be UNKNOWN, which an agent takes as permanent and stops on.
/// </summary>
internal static class StoreRefusal
{
    public static RpcException Unavailable(ILogger logger, Exception error)
    {
        Log.StoreUnavailable(logger, error.Message);
        return new RpcException(new Status(StatusCode.Unavailable, "The store is unavailable; try again later."));
    }
}
