namespace EdgeFed.Aggregator.Upstream;

/// <summary>
/// <c>Aggregator:Upstream</c>: a regional aggregator forwards, per closed window, its merged k-anonymous cells and its
/// blocks to a global aggregator, enrolled there as an agent of kind AGENT_KIND_AGGREGATOR. Off unless Url is set.
/// </summary>
public sealed class UpstreamOptions
{
    /// <summary>The global aggregator's gRPC URL(s), <c>;</c>-separated (its replicas, tried in turn).</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>This aggregator's agent id at the global one.</summary>
    public string AgentId { get; set; } = string.Empty;

    /// <summary>The global aggregator's enrolment token.</summary>
    public string EnrolmentToken { get; set; } = string.Empty;

    /// <summary>The region this aggregator stands for (ISO 3166-1 alpha-2), or empty for a mixed one (a pool's, a host's).</summary>
    public string Region { get; set; } = string.Empty;

    /// <summary>The forwarded windows' length; windows are aligned to the epoch.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long after its end, and after the last report for it arrived, a window is closed and forwarded: agents'
    /// late reports within it still count. Reports for a window already forwarded stay here only.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often closed windows are looked for and the outbox drained.</summary>
    public TimeSpan Every { get; set; } = TimeSpan.FromSeconds(5);

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    public IReadOnlyList<string> Urls => Url.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (Urls.Any(u => !Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return "Aggregator:Upstream:Url must be http:// or https:// URL(s), ';'-separated.";
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(AgentId, "^[A-Za-z0-9._-]{1,64}$"))
        {
            yield return "Aggregator:Upstream:AgentId is required with Aggregator:Upstream:Url: 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.";
        }

        if (EnrolmentToken.Length < 16)
        {
            yield return "Aggregator:Upstream:EnrolmentToken is required with Aggregator:Upstream:Url (the global aggregator's, at least 16 characters).";
        }

        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromHours(1) || Window.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            yield return "Aggregator:Upstream:Window must be whole seconds between 00:00:01 and 01:00:00 (the global aggregator's MaxWindow).";
        }

        if (Grace < TimeSpan.Zero || Every <= TimeSpan.Zero)
        {
            yield return "Aggregator:Upstream:Grace must not be negative and Aggregator:Upstream:Every must be positive.";
        }
    }
}
