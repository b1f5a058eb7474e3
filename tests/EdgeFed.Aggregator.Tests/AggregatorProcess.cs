using System.Diagnostics;
using Grpc.Net.Client;
using Grpc.Core;
using Grpc.Health.V1;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The built edgefed-aggregator serving on a fixed loopback port as a separate process, so tests can SIGKILL and restart it.</summary>
internal sealed class AggregatorProcess : IDisposable
{
    private readonly Process _process;

    private AggregatorProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public static AggregatorProcess Start(string directory, int port, params string[] settings) => Start(directory, port, new Dictionary<string, string>(), settings);

    /// <summary><c>serve</c> with <paramref name="environment"/> added to what an operator's shell would give it.</summary>
    public static AggregatorProcess Start(string directory, int port, IReadOnlyDictionary<string, string> environment, params string[] settings)
    {
        var info = new ProcessStartInfo(TestProcesses.Aggregator) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var own in new[] { "MALLOC_ARENA_MAX", "DOTNET_GCGen1MaxBudget" })
        {
            info.Environment.Remove(own); // as an operator starts it: serve sets them itself (Cli/ServeEnvironment.cs)
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        foreach (var arg in new[] { "serve", "--urls", $"http://127.0.0.1:{port}", $"--Aggregator:DatabasePath={Path.Combine(directory, "aggregator.db")}",
                     $"--Aggregator:EnrolmentToken={AggregatorHost.Token}", "--Aggregator:Http:Urls=" }.Concat(settings))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AggregatorProcess(process);
    }

    /// <summary>Waits (bounded) until the aggregator on <paramref name="port"/> answers its health check.</summary>
    public static async Task<GrpcChannel> ConnectAsync(int port)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var health = new Health.HealthClient(channel);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await health.CheckAsync(new HealthCheckRequest(), new CallOptions(deadline: DateTime.UtcNow.AddSeconds(2)));
                return channel;
            }
            catch (RpcException) when (attempt < 200)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
