using Xunit;

namespace EdgeFed.Aggregator.Tests.ScaleOut;

/// <summary>Bad scale-out settings stop `serve` at once with a message naming the key (exit 2), and never print a password.</summary>
public sealed class ScaleOutConfigurationTests
{
    [Theory]
    [InlineData("--Aggregator:Postgres:ConnectionString=", "Aggregator:Postgres:ConnectionString is required")]
    [InlineData("--Aggregator:Postgres:ConnectionString=Host=127.0.0.1;Flavour=mint", "not a valid Npgsql connection string")]
    public async Task BadPostgresSettings_StopServe_NamingTheKey(string setting, string message)
    {
        var (exit, _, error) = await TestProcesses.RunAggregatorAsync("serve", "--urls", "http://127.0.0.1:0", "--Aggregator:Http:Urls=",
            $"--Aggregator:EnrolmentToken={AggregatorHost.Token}", "--Aggregator:Store=Postgres", setting);

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachablePostgres_StopsServe_SayingWhichStore_WithoutThePassword()
    {
        var port = TestProcesses.FreePort(); // nothing listens there
        var (exit, _, error) = await TestProcesses.RunAggregatorAsync("serve", "--urls", "http://127.0.0.1:0", "--Aggregator:Http:Urls=",
            $"--Aggregator:EnrolmentToken={AggregatorHost.Token}", "--Aggregator:Store=Postgres",
            $"--Aggregator:Postgres:ConnectionString=Host=127.0.0.1;Port={port};Database=edgefed;Username=edgefed;Password=s3cret-pass;Timeout=3");

        Assert.Equal(2, exit);
        Assert.Contains($"cannot open the store (PostgreSQL 127.0.0.1:{port}/edgefed)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pass", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUpstreamWithoutItsIdOrToken_StopsServe_NamingTheKeys()
    {
        var (exit, _, error) = await TestProcesses.RunAggregatorAsync("serve", "--urls", "http://127.0.0.1:0", "--Aggregator:Http:Urls=",
            $"--Aggregator:EnrolmentToken={AggregatorHost.Token}", "--Aggregator:DatabasePath=" + Path.Combine(Path.GetTempPath(), $"edgefed-up-{Guid.NewGuid():N}.db"),
            "--Aggregator:Upstream:Url=http://127.0.0.1:1");

        Assert.Equal(2, exit);
        Assert.Contains("Aggregator:Upstream:AgentId is required", error, StringComparison.Ordinal);
        Assert.Contains("Aggregator:Upstream:EnrolmentToken is required", error, StringComparison.Ordinal);
    }
}
