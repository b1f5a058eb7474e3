using EdgeFed.Protocol.Grpc;

namespace EdgeFed.Protocol.Client.Internal;

/// <summary>The response side of a call, independent of its request type.</summary>
internal interface IGrpcCall<TResponse> : IAsyncStreamReader<TResponse>, IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    Task<TResponse> ReadSingleResponseAsync();

    Status GetStatus();

    Metadata GetTrailers();
}
