using System.ComponentModel.DataAnnotations;
using EdgeFed.Agent.Internal;

namespace EdgeFed.Agent.Collectors.Node;

/// <summary>Configuration section <c>Agent:Node</c>: the Bitcoin Core node to follow (off when <see cref="Url"/> is empty).</summary>
public sealed class NodeWatchOptions
{
    /// <summary>JSON-RPC URL, e.g. http://127.0.0.1:8332/.</summary>
    public string? Url { get; set; }

    /// <summary>The node's .cookie file (preferred), else <see cref="User"/> and <see cref="Password"/>.</summary>
    public string? CookieFile { get; set; }

    public string? User { get; set; }

    public string? Password { get; set; }

    [TimeSpanRange("00:00:00.100", "00:10:00", ErrorMessage = "Agent:Node:PollInterval must be between 100 ms and 10 minutes.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);
}
