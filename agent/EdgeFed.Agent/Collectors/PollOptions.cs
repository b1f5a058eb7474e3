using System.ComponentModel.DataAnnotations;

namespace EdgeFed.Agent.Collectors;

/// <summary>Configuration section <c>Agent:Polling</c>.</summary>
public sealed class PollOptions
{
    /// <summary>Per request (connect + reply). One slow miner costs this much, and only for itself.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "Agent:Polling:RequestTimeout must be between 50 ms and 1 minute.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Miners polled at once; the rest wait their turn.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentPolls { get; set; } = 64;
}
