using EdgeFed.Agent.Collectors;
using Prometheus;

namespace EdgeFed.Agent.Metrics;

/// <summary>
/// The agent's local Prometheus metrics, for the farm's own Grafana: polls, poll errors by kind, miners per health
/// class from the last cycle, and the process's memory. They stay on the board (served on <c>Agent:MetricsUrl</c> only when it is set); nothing
/// here goes to the aggregator.
/// </summary>
public sealed class AgentMetrics
{
    public AgentMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        // No exemplars: nothing here traces, yet each Inc() asked Activity.Current for one (ingest profile, seventh session:
        // Exemplar.FromTraceContext ~2 % of the request threads' samples at 32,000 reports/s).
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        Polls = factory.CreateCounter("edgefed_agent_polls_total", "Miner polls.");
        PollErrors = factory.CreateCounter("edgefed_agent_poll_errors_total", "Poll errors by kind (refused, timeout, malformed reply, ...).", "kind");
        Miners = factory.CreateGauge("edgefed_agent_miners", "Miners per health class in the last poll cycle.", "health");
        HashrateThs = factory.CreateGauge("edgefed_agent_hashrate_ths", "Summed hashrate the miners reported in the last poll cycle (TH/s).");
        Cycles = factory.CreateCounter("edgefed_agent_poll_cycles_total", "Poll cycles completed.");

        // Memory, read at each scrape: a small board's budget is the first thing an operator watches.
        var resident = factory.CreateGauge("edgefed_agent_resident_memory_bytes", "Resident set size of the agent process.");
        var heap = factory.CreateGauge("edgefed_agent_gc_heap_bytes", "Managed heap size after the last garbage collection.");
        var committed = factory.CreateGauge("edgefed_agent_gc_committed_bytes", "Memory the garbage collector has committed.");
        // What the polling costs the GC: bytes allocated and collections since start (their rates are the CPU's share).
        var allocated = factory.CreateCounter("edgefed_agent_gc_allocated_bytes_total", "Bytes allocated on the managed heap.");
        var collections = factory.CreateCounter("edgefed_agent_gc_collections_total",
            "Times each generation was collected (a collection of generation 1 collects generation 0 too).", "generation");
        Registry.AddBeforeCollectCallback(() =>
        {
            var gc = GC.GetGCMemoryInfo();
            resident.Set(Environment.WorkingSet);
            heap.Set(gc.HeapSizeBytes);
            committed.Set(gc.TotalCommittedBytes);
            // Precise: the quick count can lag behind (it trails the threads' allocation buffers and the large-object
            // heap until a collection settles them; a full CI run once saw a forced collection after a 4-MiB array
            // leave it short of the array). At one scrape every several seconds, the runtime's brief pause is nothing.
            allocated.IncTo(GC.GetTotalAllocatedBytes(precise: true));
            for (var generation = 0; generation <= GC.MaxGeneration; generation++)
            {
                collections.WithLabels(GenerationLabels[generation]).IncTo(GC.CollectionCount(generation));
            }
        });
    }

    private static readonly string[] GenerationLabels = ["0", "1", "2"];

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public Counter Polls { get; }

    public Counter PollErrors { get; }

    public Gauge Miners { get; }

    public Gauge HashrateThs { get; }

    public Counter Cycles { get; }

    /// <summary>One cycle's samples and the health class of each.</summary>
    public void RecordCycle(IReadOnlyList<MinerSample> samples, IReadOnlyList<string> health)
    {
        Cycles.Inc();
        Polls.Inc(samples.Count);
        foreach (var error in samples.SelectMany(s => s.Errors))
        {
            PollErrors.WithLabels(error.Kind.ToString()).Inc();
        }

        foreach (var label in Miners.GetAllLabelValues().Select(l => l[0]).Except(health).ToList())
        {
            Miners.WithLabels(label).Set(0);
        }

        foreach (var group in health.GroupBy(h => h))
        {
            Miners.WithLabels(group.Key).Set(group.Count());
        }

        HashrateThs.Set(samples.Sum(s => s.AverageThs ?? s.HashrateThs ?? 0));
    }
}
