using System.ComponentModel.DataAnnotations;
using EdgeFed.Agent.Internal;

namespace EdgeFed.Agent.Collectors;

/// <summary>Configuration section <c>Agent:Polling</c>.</summary>
public sealed class PollOptions
{
    /// <summary>Per request (connect + reply). One slow miner costs this much, and only for itself.</summary>
    [TimeSpanRange("00:00:00.050", "00:01:00", ErrorMessage = "Agent:Polling:RequestTimeout must be between 50 ms and 1 minute.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Miners polled at once; the rest wait their turn.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentPolls { get; set; } = 64;

    /// <summary>Time between the starts of two poll cycles (every miner once per cycle).</summary>
    [TimeSpanRange("00:00:00.100", "01:00:00", ErrorMessage = "Agent:Polling:Interval must be between 00:00:00.100 and 01:00:00.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Miners to poll, by host and port (family detected when not given).</summary>
    public List<MinerConfig> Miners { get; set; } = [];

    /// <summary>Login for the Braiins OS gRPC API (its factory default is root with an empty or "root" password).</summary>
    public string BraiinsUser { get; set; } = "root";

    public string BraiinsPassword { get; set; } = "root";

    /// <summary>Password for the older Braiins OS GraphQL web API (factory default: empty), used only when a query is refused.</summary>
    public string BraiinsGraphqlPassword { get; set; } = string.Empty;

    /// <summary>
    /// After the first poll cycle, give back to the kernel what only start-up touched: the C heap's freed pages and the
    /// read-only pages of code (ONNX Runtime's operator registrations above all). Pages used later are read back.
    /// </summary>
    public bool ReleaseStartupMemory { get; set; } = true;

    /// <summary>A farm manifest (JSON list of {host, port, family}) with more miners to poll.</summary>
    public string? ManifestFile { get; set; }
}
