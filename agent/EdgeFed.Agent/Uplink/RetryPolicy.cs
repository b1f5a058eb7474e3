using Grpc.Core;

namespace EdgeFed.Agent.Uplink;

/// <summary>
/// Which failures are worth retrying and how long to wait: only transient statuses, with capped exponential
/// backoff and full jitter so a fleet reconnecting after an outage does not arrive all at once.
/// </summary>
public sealed class RetryPolicy(TimeSpan initial, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    public static RetryPolicy Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    public static bool IsTransient(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted;

    /// <summary>
    /// A transient status, or a status the client made up for a broken connection: Grpc.Net.Client reports a
    /// connection the server closed (GOAWAY, reset) while reading as INTERNAL with the HTTP/2 error as its debug
    /// exception. A status the server sent has no debug exception, so its verdict stands.
    /// </summary>
    public static bool IsTransient(RpcException error) =>
        IsTransient(error.StatusCode)
        || (error.StatusCode is StatusCode.Internal or StatusCode.Unknown && error.Status.DebugException is IOException or HttpRequestException);

    /// <summary>The delay before retry number <paramref name="attempt"/> (1-based): uniform in [0, min(max, initial·2^(attempt-1))].</summary>
    public TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(_random.NextDouble() * ceiling);
    }
}
