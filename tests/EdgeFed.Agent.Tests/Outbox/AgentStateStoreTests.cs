using EdgeFed.Agent.Outbox;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Outbox;

public sealed class AgentStateStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgefed-state-").FullName;

    private AgentStateStore Open() => new(Options.Create(new AgentOptions { StateDirectory = _dir }));

    [Fact]
    public void SequenceNumbers_KeepIncreasingAcrossRestarts()
    {
        using (var first = Open())
        {
            Assert.Equal(1ul, first.NextSequence());
            Assert.Equal(2ul, first.NextSequence());
        }

        using var second = Open();

        Assert.Equal(3ul, second.NextSequence());
    }

    [Fact]
    public void AgentKey_IsKeptAcrossRestarts()
    {
        using (var first = Open())
        {
            first.AgentKey = "k-123";
        }

        using var second = Open();

        Assert.Equal("k-123", second.AgentKey);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
