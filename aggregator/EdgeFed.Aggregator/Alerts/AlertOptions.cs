using System.ComponentModel.DataAnnotations;

namespace EdgeFed.Aggregator.Alerts;

/// <summary>Configuration section <c>Aggregator:Alerts</c>: thresholds and how often they are checked.</summary>
public sealed class AlertOptions
{
    /// <summary>
    /// A pool whose block share over the window is above this, at the lower end of its 95 % interval, raises
    /// <c>pool_share</c> (the point estimate alone is not enough: 3 of 4 blocks is no evidence of 75 %).
    /// </summary>
    [Range(0.01, 1.0)]
    public double PoolShareThreshold { get; set; } = 0.40;

    /// <summary>The top-2 block share above this, at the lower end of its 95 % interval, raises <c>cr2</c>.</summary>
    [Range(0.01, 1.0)]
    public double Cr2Threshold { get; set; } = 0.60;

    /// <summary>Share alerts (<c>pool_share</c>, <c>cr2</c>, <c>nakamoto_drop</c>) need at least this many blocks in the window.</summary>
    [Range(1, 100_000)]
    public int MinBlocks { get; set; } = 72;

    /// <summary>This many consecutive blocks by one pool raise <c>block_run</c>, with the run's probability given the pool's earlier share.</summary>
    [Range(2, 1000)]
    public int ConsecutiveBlocks { get; set; } = 6;

    /// <summary>A region's reported hashrate falling by more than this percentage window over window raises <c>region_drop</c>.</summary>
    [Range(1.0, 100.0)]
    public double RegionDropPercent { get; set; } = 30;

    /// <summary>The block window (and the one before it, for the Nakamoto comparison).</summary>
    [Range(typeof(TimeSpan), "00:10:00", "30.00:00:00")]
    public TimeSpan BlockWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The hashrate window compared with the one before it, per region.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan HashrateWindow { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan EvaluateEvery { get; set; } = TimeSpan.FromMinutes(1);
}
