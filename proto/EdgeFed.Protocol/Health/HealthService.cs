using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Health.V1;
using EdgeFed.Protocol.Server;
using ServingStatus = EdgeFed.Protocol.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace EdgeFed.Protocol.Health;

/// <summary>
/// Serving status per service name ("" = the whole server). Check answers NOT_FOUND for a name never set;
/// Watch streams the current status, then every change, until the client leaves.
/// </summary>
public sealed class HealthService : Health.HealthBase
{
    private readonly ConcurrentDictionary<string, ServingStatus> _statuses = new();
    private readonly ConcurrentDictionary<Channel<ServingStatus>, string> _watchers = new();

    public void SetStatus(string service, ServingStatus status)
    {
        _statuses[service] = status;
        foreach (var (watcher, name) in _watchers)
        {
            if (name == service)
            {
                watcher.Writer.TryWrite(status);
            }
        }
    }

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
        _statuses.TryGetValue(request.Service, out var status)
            ? Task.FromResult(new HealthCheckResponse { Status = status })
            : throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var updates = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });
        _watchers[updates] = request.Service;
        try
        {
            var current = _statuses.TryGetValue(request.Service, out var status) ? status : ServingStatus.ServiceUnknown;
            await responseStream.WriteAsync(new HealthCheckResponse { Status = current }, context.CancellationToken);
            await foreach (var update in updates.Reader.ReadAllAsync(context.CancellationToken))
            {
                if (update != current)
                {
                    current = update;
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = update }, context.CancellationToken);
                }
            }
        }
        finally
        {
            _watchers.TryRemove(updates, out _);
        }
    }
}
