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
        Console.WriteLine($"Poll allocations: {miners.Count} miners in {manifest}, up to {pollsPerFamily} healthy and {pollsPerFamily} faulty miners per family, each polled once to sort it, then once measured");
        Console.WriteLine("family              polls  bytes/poll  µs/poll  (faulty: polls  bytes/poll  µs/poll)");
        long allBytes = 0, allPolls = 0;
        foreach (var family in miners.GroupBy(m => m.Family).OrderBy(g => g.Key.ToString()))
        {
            // A faulty miner (timeouts, resets, garbage: the emulator's --faulty share) is measured apart: its cost is
            // its fault's, and the fleet has fewer of them.
            var (healthy, faulty) = (new List<MinerEndpoint>(), new List<MinerEndpoint>());
            foreach (var miner in family)
            {
                var list = (await collector.PollAsync(miner, CancellationToken.None)).Errors.Count == 0 ? healthy : faulty;
                if (list.Count < pollsPerFamily)
                {
                    list.Add(miner);
                }

                if (healthy.Count == pollsPerFamily && faulty.Count == pollsPerFamily)
                {
                    break;
                }
            }

            var (bytes, micros) = await MeasureAsync(collector, healthy);
            var (faultyBytes, faultyMicros) = await MeasureAsync(collector, faulty);
            allBytes += bytes * healthy.Count;
            allPolls += healthy.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{family.Key,-18} {healthy.Count,6} {bytes,11:N0} {micros,8:N0}  {faulty.Count,15} {faultyBytes,11:N0} {faultyMicros,8:N0}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"all families, healthy: {allBytes / Math.Max(1, allPolls):N0} bytes per poll over {allPolls} polls"));
    }

    /// <summary>Bytes allocated and time per poll over <paramref name="miners"/>, one after another.</summary>
    private static async Task<(long Bytes, double Micros)> MeasureAsync(MinerCollector collector, List<MinerEndpoint> miners)
    {
        if (miners.Count == 0)
        {
            return (0, 0);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        foreach (var miner in miners)
        {
            await collector.PollAsync(miner, CancellationToken.None);
        }

        return ((GC.GetTotalAllocatedBytes(precise: true) - before) / miners.Count, clock.Elapsed.TotalMicroseconds / miners.Count);
    }
}
