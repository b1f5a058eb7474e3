using System.Diagnostics;
using Grpc.Net.Client;
using Grpc.Core;
using Grpc.Health.V1;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The built edgefed-aggregator serving on a fixed loopback port as a separate process, so tests can SIGKILL and restart it.</summary>
internal sealed class AggregatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output;

    private AggregatorProcess(Process process, System.Collections.Concurrent.ConcurrentQueue<string> output) => (_process, _output) = (process, output);

    public int Pid => _process.Id;

    /// <summary>What the process wrote so far, standard output and error, line by line.</summary>
    public IReadOnlyList<string> Output => [.. _output];

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
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AggregatorProcess(process, output);
    }

    // The first lines only: a long test's process logs for minutes, and what tests look for comes at startup.
    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> output, string? line)
    {
        if (line is not null && output.Count < 1000)
        {
            output.Enqueue(line);
        }
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
