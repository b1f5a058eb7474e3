using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using EdgeFed.Agent.Collectors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Cli;

/// <summary>
/// <c>edgefed-agent poll (--manifest FILE | --targets H:P,...) [--detect] [--cycles N] [--interval-seconds S]</c>:
/// poll a farm and print a per-family summary as JSON, with the cost of polling (CPU ms per 1000 polls, RSS).
/// </summary>
public static class PollCommand
{
    public static Command Create()
    {
        var command = new Command("poll", "Poll many miners and print a per-family summary (JSON).");
        var manifest = new Option<string?>("--manifest") { Description = "A farm manifest written by simulate" };
        var targets = new Option<string?>("--targets") { Description = "Comma-separated host:port list" };
        var detect = new Option<bool>("--detect") { Description = "Ignore families in the manifest and detect each" };
        var cycles = new Option<int>("--cycles") { DefaultValueFactory = _ => 1 };
        var interval = new Option<double>("--interval-seconds") { DefaultValueFactory = _ => 10 };
        var timeout = new Option<int>("--timeout-ms") { DefaultValueFactory = _ => 5000 };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 64 };
        foreach (var option in new Option[] { manifest, targets, detect, cycles, interval, timeout, concurrency })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            IReadOnlyList<MinerEndpoint> endpoints;
            try
            {
                endpoints = Endpoints(result.GetValue(manifest), result.GetValue(targets), result.GetValue(detect));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException)
            {
                await Console.Error.WriteLineAsync($"edgefed-agent poll: {ex.Message}");
                return 2;
            }

            if (endpoints.Count == 0)
            {
                await Console.Error.WriteLineAsync("edgefed-agent poll: give --manifest FILE or --targets host:port,...");
                return 2;
            }

            var options = Options.Create(new PollOptions
            {
                RequestTimeout = TimeSpan.FromMilliseconds(result.GetValue(timeout)), MaxConcurrentPolls = result.GetValue(concurrency),
            });
            return await RunAsync(endpoints, options, result.GetValue(cycles), TimeSpan.FromSeconds(result.GetValue(interval)), cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(IReadOnlyList<MinerEndpoint> endpoints, IOptions<PollOptions> options, int cycles, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var collector = new MinerCollector(options, TimeProvider.System, NullLogger<MinerCollector>.Instance);
        var poller = new FleetPoller(collector, options);
        var process = Process.GetCurrentProcess();
        IReadOnlyList<MinerSample> samples = [];
        var cpuStart = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        long peakRss = 0;
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var started = Stopwatch.StartNew();
            samples = await poller.PollAllAsync(endpoints, cancellationToken);
            process.Refresh();
            peakRss = Math.Max(peakRss, process.WorkingSet64);
            if (cycle < cycles - 1 && interval > started.Elapsed)
            {
                await Task.Delay(interval - started.Elapsed, cancellationToken);
            }
        }

        process.Refresh();
        var cpuMs = (process.TotalProcessorTime - cpuStart).TotalMilliseconds;
        var polls = (double)endpoints.Count * cycles;
        Console.WriteLine(CliJson.Serialize(new PollJson(endpoints.Count, cycles, FamilySummary.Of(samples), new PollCostJson(
            Math.Round(wall.Elapsed.TotalSeconds, 2),
            Math.Round(cpuMs / polls * 1000, 1),
            Math.Round(process.WorkingSet64 / 1048576.0, 1),
            Math.Round(peakRss / 1048576.0, 1),
            Math.Round(GC.GetTotalMemory(false) / 1048576.0, 1)))));
        return 0;
    }

    private static IReadOnlyList<MinerEndpoint> Endpoints(string? manifest, string? targets, bool detect)
    {
        if (manifest is not null)
        {
            return MinerList.FromManifest(manifest, detect);
        }

        return (targets ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Split(':') switch
            {
                [var host] => new MinerEndpoint(host),
                [var host, var port] when int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536 =>
                    new MinerEndpoint(host, p),
                _ => throw new FormatException($"--targets: '{t}' is not host or host:port."),
            })
            .ToList();
    }
}
