using Grpc.Core;
using Prometheus;

namespace EdgeFed.Aggregator.Metrics;

/// <summary>
/// The aggregator's Prometheus metrics, in a registry of its own (one per host, so two aggregators in one process
/// never share counters): ingest, acks, rejects by gRPC status, open Report streams, store commit latency, HTTP
/// requests refused by the limits, the process's memory as the GC sees it, and the headline concentration gauges (filled at scrape time by
/// <see cref="ConcentrationGauges"/>).
/// </summary>
public sealed class AggregatorMetrics
{
    private readonly Counter.Child _ackedStored;
    private readonly Counter.Child _ackedDuplicate;

    public AggregatorMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        // No exemplars: nothing here traces, yet each Inc() asked Activity.Current for one (ingest profile, seventh session:
        // Exemplar.FromTraceContext ~2 % of the request threads' samples at 32,000 reports/s).
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        ReportsReceived = factory.CreateCounter("edgefed_reports_received_total", "Reports read from Report streams.");
        ReportsAcked = factory.CreateCounter("edgefed_reports_acked_total", "Reports acknowledged after their commit.", "duplicate");
        (_ackedStored, _ackedDuplicate) = (ReportsAcked.WithLabels("false"), ReportsAcked.WithLabels("true"));
        CallsFailed = factory.CreateCounter("edgefed_grpc_failures_total", "gRPC calls ended with a status other than OK.", "method", "status");
        StreamsOpen = factory.CreateGauge("edgefed_report_streams_open", "Report streams open now.");
        CommitSeconds = factory.CreateHistogram("edgefed_store_commit_seconds", "Time to write and commit one group of reports.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
        CommitReports = factory.CreateHistogram("edgefed_store_commit_reports", "Reports per group commit.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 11) });
        HttpRejected = factory.CreateCounter("edgefed_http_rejected_total", "HTTP requests refused with 429 by the request limits.");
        Concentration = factory.CreateGauge("edgefed_concentration", "Headline concentration over the last 24 hours (published figures only).", "basis", "dimension", "metric");

        // Memory, read at each scrape. Resident memory alone cannot tell a leak from the GC's allocation budget filling
        // between collections (tens of MiB at a quiet aggregator's rate): the GC's own figures tell them apart.
        var resident = factory.CreateGauge("edgefed_aggregator_resident_memory_bytes", "Resident set size of the aggregator process.");
        var heap = factory.CreateGauge("edgefed_aggregator_gc_heap_bytes", "Managed heap size after the last garbage collection.");
        var committed = factory.CreateGauge("edgefed_aggregator_gc_committed_bytes", "Memory the garbage collector has committed.");
        Registry.AddBeforeCollectCallback(() =>
        {
            var gc = GC.GetGCMemoryInfo();
            resident.Set(Environment.WorkingSet);
            heap.Set(gc.HeapSizeBytes);
            committed.Set(gc.TotalCommittedBytes);
        });
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public Counter ReportsReceived { get; }

    public Counter ReportsAcked { get; }

    /// <summary>Reports acknowledged, by whether each was a duplicate: the two children looked up once, not per report.</summary>
    public Counter.Child Acked(bool duplicate) => duplicate ? _ackedDuplicate : _ackedStored;

    public Counter CallsFailed { get; }

    public Gauge StreamsOpen { get; }

    public Histogram CommitSeconds { get; }

    public Histogram CommitReports { get; }

    public Counter HttpRejected { get; }

    public Gauge Concentration { get; }

    public void Failed(string method, StatusCode status) => CallsFailed.WithLabels(method, status.ToString()).Inc();
}
