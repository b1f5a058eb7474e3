using EdgeFed.Protocol.Grpc;

namespace EdgeFed.Protocol.Client;

/// <summary>Per-call settings: metadata, an absolute UTC deadline, and cancellation.</summary>
public readonly record struct CallOptions(Metadata? Headers = null, DateTime? Deadline = null, CancellationToken CancellationToken = default);
