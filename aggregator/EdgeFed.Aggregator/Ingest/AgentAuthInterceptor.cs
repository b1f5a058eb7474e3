using Grpc.Core;
using Grpc.Core.Interceptors;

namespace EdgeFed.Aggregator.Ingest;

/// <summary>
/// Per-agent Bearer authentication for the calls an agent makes with its key (the Report stream): the key in
/// <c>authorization: Bearer &lt;agent key&gt;</c> must belong to an enrolled agent, whose id the handler then finds
/// with <see cref="AgentOf"/>. Enrolment and the read-only queries need no key.
/// </summary>
public sealed class AgentAuthInterceptor(AgentDirectory agents) : Interceptor
{
    private const string AgentIdKey = "edgefed.agent-id";

    public static string AgentOf(ServerCallContext context) => EnrolledOf(context).Id;

    public static Storage.EnrolledAgent EnrolledOf(ServerCallContext context) =>
        context.UserState.TryGetValue(AgentIdKey, out var id) && id is Storage.EnrolledAgent agent
            ? agent
            : throw new InvalidOperationException("The call was not authenticated by AgentAuthInterceptor.");

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        context.UserState[AgentIdKey] = await agents.AuthenticateAsync(context.RequestHeaders.GetValue("authorization"), context.CancellationToken);
        await continuation(requestStream, responseStream, context);
    }
}
