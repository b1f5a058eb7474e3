using EdgeFed.Agent.Aggregation;
using EdgeFed.Agent.Uplink;
using Grpc.Core;
using Xunit;

namespace EdgeFed.Agent.Tests;

public sealed class RetryPolicyTests
{
    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.Aborted, true)]
    [InlineData(StatusCode.Unauthenticated, false)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.PermissionDenied, false)]
    public void OnlyTransientStatuses_AreRetried(StatusCode code, bool transient) =>
        Assert.Equal(transient, RetryPolicy.IsTransient(code));

    [Fact]
    public void AConnectionTheServerClosed_IsRetried_ButAnInternalStatusTheServerSent_IsNot()
    {
        var closed = new RpcException(new Status(StatusCode.Internal, "Error reading next message.",
            new HttpProtocolException(0, "The HTTP/2 server closed the connection.", null)));
        var sent = new RpcException(new Status(StatusCode.Internal, "A request message is not valid protobuf."));

        Assert.True(RetryPolicy.IsTransient(closed));
        Assert.False(RetryPolicy.IsTransient(sent));
        Assert.True(RetryPolicy.IsTransient(new RpcException(new Status(StatusCode.Unavailable, "down"))));
    }

    [Fact]
    public void Backoff_GrowsExponentially_AndIsCapped()
    {
        var policy = new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new AlwaysMax());

        Assert.Equal(TimeSpan.FromSeconds(1), policy.Delay(1));
        Assert.Equal(TimeSpan.FromSeconds(8), policy.Delay(4));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.Delay(40));
    }

    [Fact]
    public void Windows_AlignToMultiplesOfTheirLength()
    {
        var (start, end) = WindowClock.WindowContaining(DateTimeOffset.Parse("2026-11-21T10:00:42Z", null), TimeSpan.FromMinutes(1));

        Assert.Equal(DateTimeOffset.Parse("2026-11-21T10:00:00Z", null), start);
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T10:01:00Z", null), end);
    }

    private sealed class AlwaysMax : Random
    {
        public override double NextDouble() => 1.0;
    }
}
