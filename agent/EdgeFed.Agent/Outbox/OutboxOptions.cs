using System.ComponentModel.DataAnnotations;
using EdgeFed.Agent.Internal;

namespace EdgeFed.Agent.Outbox;

/// <summary>Configuration section <c>Agent:Outbox</c>: how much to keep while the aggregator is unreachable, and how fast to catch up.</summary>
public sealed class OutboxOptions
{
    /// <summary>Reports kept at most; beyond it the oldest are dropped (and counted). 10,080 = a week of 60 s windows.</summary>
    [Range(1, 10_000_000, ErrorMessage = "Agent:Outbox:MaxReports must be between 1 and 10000000.")]
    public int MaxReports { get; set; } = 10_080;

    /// <summary>Bytes of reports kept at most (the same drop-oldest policy).</summary>
    [Range(1024L, long.MaxValue, ErrorMessage = "Agent:Outbox:MaxBytes must be at least 1024.")]
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// A hard ceiling on the outbox file (0: none but the disk's). Writes beyond it fail exactly as on a full disk
    /// (SQLITE_FULL): the report is lost and counted, polling goes on. Useful on an SD card shared with other data.
    /// </summary>
    [Range(0L, long.MaxValue)]
    public long MaxFileBytes { get; set; }

    /// <summary>Reports per second sent while catching up, so a fleet coming back online does not stampede the aggregator.</summary>
    [Range(0.01, 100_000, ErrorMessage = "Agent:Outbox:DrainRatePerSecond must be between 0.01 and 100000.")]
    public double DrainRatePerSecond { get; set; } = 5;

    /// <summary>How long to wait for a report's ack before the stream is presumed dead (a blackholed link) and reopened.</summary>
    [TimeSpanRange("00:00:00.100", "00:10:00", ErrorMessage = "Agent:Outbox:AckTimeout must be between 100 ms and 10 minutes.")]
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
