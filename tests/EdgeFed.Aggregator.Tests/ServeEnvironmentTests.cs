using System.Net.Sockets;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// <c>serve</c> starts itself again with glibc's malloc held to two arenas and gen1's budget held to 8 MiB
/// (Cli/ServeEnvironment.cs): the running process carries both variables, an operator's own value wins, and the
/// diagnostics tools (dotnet-counters, dotnet-trace) can still attach to it.
/// </summary>
public sealed class ServeEnvironmentTests
{
    [Fact]
    public async Task Serve_RunsWithTwoArenasAndAGen1Cap_AndItsDiagnosticsSocketAnswers()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the restart and /proc are Linux's
        }

        var directory = Directory.CreateTempSubdirectory("edgefed-serve-env-").FullName;
        var port = TestProcesses.FreePort();
        using (var aggregator = AggregatorProcess.Start(directory, port))
        {
            using var channel = await AggregatorProcess.ConnectAsync(port);
            var environment = EnvironmentOf(aggregator.Pid);
            Assert.Contains("MALLOC_ARENA_MAX=2", environment);
            Assert.Contains("DOTNET_GCGen1MaxBudget=800000", environment); // hexadecimal, as the runtime reads it: 8 MiB

            var sockets = Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{aggregator.Pid}-*-socket");
            var socket = Assert.Single(sockets); // the first runtime's was removed before the restart
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(new UnixDomainSocketEndPoint(socket)); // "Connection refused" if nobody listens on it
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task AnOperatorsOwnValue_Wins_AndTheOtherSettingIsStillAdded()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var directory = Directory.CreateTempSubdirectory("edgefed-serve-env-").FullName;
        var port = TestProcesses.FreePort();
        using (var aggregator = AggregatorProcess.Start(directory, port, new Dictionary<string, string> { ["DOTNET_GCGen1MaxBudget"] = "1000000" }))
        {
            using var channel = await AggregatorProcess.ConnectAsync(port);
            var environment = EnvironmentOf(aggregator.Pid);
            Assert.Contains("DOTNET_GCGen1MaxBudget=1000000", environment);
            Assert.DoesNotContain("DOTNET_GCGen1MaxBudget=800000", environment);
            Assert.Contains("MALLOC_ARENA_MAX=2", environment);
        }

        Directory.Delete(directory, recursive: true);
    }

    private static string[] EnvironmentOf(int pid) => File.ReadAllText($"/proc/{pid}/environ").Split('\0');
}
