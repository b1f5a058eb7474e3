using System.Diagnostics;
using System.Globalization;
using EdgeFed.Agent.Collectors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeFed.Benchmarks;

/// <summary>
/// Managed bytes allocated per poll, by firmware family: the agent's collector polling an <c>edgefed-sim simulate</c>
/// farm (its manifest), one miner at a time so that nothing else allocates meanwhile. What the GC's share of the
/// agent's CPU comes from (issue 17, fourteenth session).
/// </summary>
public static class PollAllocationBenchmark
{
    public static async Task RunAsync(string manifest, int pollsPerFamily)
    {
        var miners = MinerList.FromManifest(manifest, detect: false);
        using var collector = new MinerCollector(Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromSeconds(2) }), TimeProvider.System,
            NullLogger<MinerCollector>.Instance);
        Console.WriteLine($"Poll allocations: {miners.Count} miners in {manifest}, {pollsPerFamily} healthy polls per family after one warm-up poll each");
        Console.WriteLine("family              miners  bytes/poll  µs/poll");
        long allBytes = 0, allPolls = 0;
        foreach (var family in miners.GroupBy(m => m.Family).OrderBy(g => g.Key.ToString()))
        {
            var chosen = new List<MinerEndpoint>();
            foreach (var miner in family)
            {
                // Healthy ones only: a faulty miner's timeouts and resets measure its fault, not the polling.
                if ((await collector.PollAsync(miner, CancellationToken.None)).Errors.Count == 0)
                {
                    chosen.Add(miner);
                }

                if (chosen.Count == pollsPerFamily)
                {
                    break;
                }
            }

            if (chosen.Count == 0)
            {
                continue;
            }

            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            foreach (var miner in chosen)
            {
                await collector.PollAsync(miner, CancellationToken.None);
            }

            var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
            allBytes += bytes;
            allPolls += chosen.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{family.Key,-18} {chosen.Count,7} {bytes / chosen.Count,11:N0} {clock.Elapsed.TotalMicroseconds / chosen.Count,8:N0}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"all families: {allBytes / Math.Max(1, allPolls):N0} bytes per poll over {allPolls} polls"));
    }
}
