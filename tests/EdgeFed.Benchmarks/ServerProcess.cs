using System.Diagnostics;
using System.Text.RegularExpressions;

namespace EdgeFed.Benchmarks;

/// <summary>
/// A server the load generator measures from outside its process: the real <c>edgefed-aggregator serve</c> of the
/// build, or this program's acking sink (<c>-- ack-sink</c>). It prints the URL it listens on; its CPU time is read
/// from /proc so that a table can say where the two cores went.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    /// <summary>User + system CPU seconds the server has used so far.</summary>
    public double CpuSeconds
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }
    }

    public static Task<ServerProcess> AggregatorAsync(string directory, string token)
    {
        var binary = Path.Combine(InferenceBenchmark.FindRoot(), "artifacts", "bin", "EdgeFed.Aggregator", "release", "edgefed-aggregator");
        var info = new ProcessStartInfo(binary) { ArgumentList = { "serve", "--urls", "http://127.0.0.1:0" } };
        info.Environment["EDGEFED_Aggregator__DatabasePath"] = Path.Combine(directory, "aggregator.db");
        info.Environment["EDGEFED_Aggregator__EnrolmentToken"] = token;
        info.Environment["EDGEFED_Aggregator__Http__Urls"] = string.Empty; // gRPC only
        info.Environment["EDGEFED_Aggregator__MaxReportsPerSecondPerAgent"] = "1000000";
        info.Environment["EDGEFED_Aggregator__ReportBurstPerAgent"] = "1000000";
        // EDGEFED_BENCH_AGGREGATOR_X=v sets X=v for the aggregator alone (a GC or thread-pool setting tried on the
        // server without changing the load generator beside it).
        foreach (var (name, value) in AggregatorOnly(Environment.GetEnvironmentVariables()))
        {
            info.Environment[name] = value;
        }

        return StartAsync(info);
    }

    private const string AggregatorPrefix = "EDGEFED_BENCH_AGGREGATOR_";

    private static IEnumerable<(string Name, string Value)> AggregatorOnly(System.Collections.IDictionary environment) =>
        environment.Keys.Cast<string>().Where(k => k.StartsWith(AggregatorPrefix, StringComparison.Ordinal) && k.Length > AggregatorPrefix.Length)
            .Select(k => (k[AggregatorPrefix.Length..], (string)environment[k]!));

    public static Task<ServerProcess> AckingSinkAsync() =>
        StartAsync(new ProcessStartInfo(Environment.ProcessPath!) { ArgumentList = { "ack-sink" } });

    private static async Task<ServerProcess> StartAsync(ProcessStartInfo info)
    {
        info.Environment.Remove(IngestBenchmark.ArraysPerPartition); // the load generator's setting, not the servers'
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        _ = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained
                return new ServerProcess(process, new Uri(match.Value));
            }
        }

        throw new InvalidOperationException($"{info.FileName} ended before it listened (exit {process.ExitCode})");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex Listening();
}
