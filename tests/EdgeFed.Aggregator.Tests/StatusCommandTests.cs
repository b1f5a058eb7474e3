using EdgeFed.Aggregator.Cli;
using EdgeFed.Protocol.V1;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

public sealed class StatusCommandTests
{
    [Theory]
    [InlineData("notaurl", 2)]
    [InlineData("ftp://127.0.0.1:21", 2)]
    [InlineData("http://127.0.0.1:1", 1)]
    public async Task BadOrUnreachableAggregator_IsANonZeroExit_NotAnException(string address, int expected) =>
        Assert.Equal(expected, await StatusCommand.RunAsync(address, Dimension.Pool, Basis.Hashrate, text: false, CancellationToken.None));
}
