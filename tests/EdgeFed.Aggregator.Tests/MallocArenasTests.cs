using System.Net.Sockets;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// <c>serve</c> starts itself again with glibc's malloc held to two arenas (Storage/MallocArenas.cs): the running
/// process carries the variable, and the diagnostics tools (dotnet-counters, dotnet-trace) can still attach to it.
/// </summary>
public sealed class MallocArenasTests
{
    [Fact]
    public async Task Serve_RunsWithTwoArenas_AndItsDiagnosticsSocketAnswers()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the cap and /proc are Linux's
        }

        var directory = Directory.CreateTempSubdirectory("edgefed-arenas-").FullName;
        var port = TestProcesses.FreePort();
        using (var aggregator = AggregatorProcess.Start(directory, port))
        {
            using var channel = await AggregatorProcess.ConnectAsync(port);
            var environment = File.ReadAllText($"/proc/{aggregator.Pid}/environ").Split('\0');
            Assert.Contains("MALLOC_ARENA_MAX=2", environment);

            var sockets = Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{aggregator.Pid}-*-socket");
            var socket = Assert.Single(sockets); // the first runtime's was removed before the restart
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(new UnixDomainSocketEndPoint(socket)); // "Connection refused" if nobody listens on it
        }

        Directory.Delete(directory, recursive: true);
    }
}
