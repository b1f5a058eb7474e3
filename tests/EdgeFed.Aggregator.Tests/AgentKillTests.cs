using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>SIGKILL the agent process mid-window and restart it: nothing acknowledged is resent as new, nothing unacknowledged is lost.</summary>
public sealed class AgentKillTests
{
    [Fact]
    public async Task KilledMidWindow_ThenRestarted_NothingAcknowledgedIsResent_NothingQueuedIsLost()
    {
        await using var aggregator = await AggregatorHost.StartAsync(minAgents: 1);
        var (farm, manifest) = await TestFarm.StartAsync(aggregator.Directory, miners: 12, seed: 4, "127.99.1.1");
        await using var _ = farm;
        string[] Args(int maxReports) =>
        [
            "--Agent:AgentId=kill-test", "--Agent:Region=US", $"--Agent:AggregatorUrl={aggregator.Address}", $"--Agent:EnrolmentToken={AggregatorHost.Token}",
            $"--Agent:StateDirectory={Path.Combine(aggregator.Directory, "agent")}", "--Agent:Window=00:00:01", "--Agent:Polling:Interval=00:00:00.500",
            $"--Agent:Polling:ManifestFile={manifest}", "--Agent:Outbox:DrainRatePerSecond=20", $"--Agent:MaxReports={maxReports}",
        ];

        string firstLog;
        using (var first = AgentProcess.Start(Args(0)))
        {
            await first.WaitForAsync(log => AgentLog.Acks(log).Count() >= 3, TimeSpan.FromSeconds(60));
            await Task.Delay(Random.Shared.Next(100, 900)); // somewhere inside a window
            first.Kill();
            firstLog = first.Output;
        }

        string secondLog;
        using (var second = AgentProcess.Start(Args(8)))
        {
            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            secondLog = second.Output;
        }

        var ackedBeforeKill = AgentLog.Acks(firstLog).Where(a => !a.Duplicate).Select(a => a.Sequence).ToHashSet();
        var queuedBeforeKill = AgentLog.QueuedReports(firstLog).ToList();
        var resent = AgentLog.Acks(secondLog).Select(a => a.Sequence).Where(ackedBeforeKill.Contains).ToList();
        var stored = TestProcesses.StoredSequences(Path.Combine(aggregator.Directory, "aggregator.db"), "kill-test");

        Assert.Empty(resent); // an acknowledged report left the outbox for good
        Assert.All(queuedBeforeKill, s => Assert.Contains(s, stored)); // everything queued before the kill arrived after the restart
        Assert.Equal(stored.Distinct().Count(), stored.Count);
        Assert.True(AgentLog.Acks(secondLog).Count(a => a.Duplicate) <= 1, "only the report in flight at the kill can come back as a duplicate");
    }
}
