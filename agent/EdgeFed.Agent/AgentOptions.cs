using System.ComponentModel.DataAnnotations;
using EdgeFed.Agent.Internal;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Agent;

/// <summary>Configuration section <c>Agent</c> (appsettings.json, EDGEFED_Agent__* variables, command line).</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>This agent's name at the aggregator (not a hostname or address: it leaves the device).</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Agent:AgentId must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.")]
    public string AgentId { get; set; } = string.Empty;

    /// <summary>ISO 3166-1 alpha-2 region of the site.</summary>
    [Required, RegularExpression("^[A-Z]{2}$", ErrorMessage = "Agent:Region must be an ISO 3166-1 alpha-2 code such as CA or NO.")]
    public string Region { get; set; } = string.Empty;

    public AgentKind Kind { get; set; } = AgentKind.Farm;

    /// <summary>The aggregator's gRPC address: http:// (h2c) or https:// (TLS).</summary>
    [Required, Url(ErrorMessage = "Agent:AggregatorUrl must be an http:// or https:// URL.")]
    public string AggregatorUrl { get; set; } = "http://127.0.0.1:50051";

    /// <summary>
    /// Several replicas of one aggregator (on one shared store), <c>;</c>-separated; overrides AggregatorUrl. The agent
    /// prefers the one its id hashes to, fails over to the next, and returns after <see cref="AggregatorReturnAfter"/>.
    /// </summary>
    [RegularExpression(@"^(|https?://[^;\s]+(\s*;\s*https?://[^;\s]+)*\s*;?)$", ErrorMessage = "Agent:AggregatorUrls must be http:// or https:// URLs separated by ';'.")]
    public string? AggregatorUrls { get; set; }

    /// <summary>How long an agent that failed over stays away from its preferred replica before trying it again.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00", ErrorMessage = "Agent:AggregatorReturnAfter must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan AggregatorReturnAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The replicas to use: <see cref="AggregatorUrls"/> when set, else the one <see cref="AggregatorUrl"/>.</summary>
    public IReadOnlyList<string> Aggregators =>
        string.IsNullOrWhiteSpace(AggregatorUrls)
            ? [AggregatorUrl]
            : AggregatorUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>PEM file of the CA that signed the aggregator's certificate (https only); empty: the system store.</summary>
    public string? AggregatorCaFile { get; set; }

    /// <summary>Compress report messages: <c>gzip</c> (default; cells repeat pool and model names and shrink ~4×) or <c>none</c>.</summary>
    [RegularExpression("^(gzip|none)$", ErrorMessage = "Agent:ReportCompression must be gzip or none.")]
    public string ReportCompression { get; set; } = "gzip";

    /// <summary>The shared enrolment token, used once to obtain this agent's own key.</summary>
    public string? EnrolmentToken { get; set; }

    /// <summary>Folder for the agent's SQLite state (key, sequence numbers).</summary>
    [Required]
    public string StateDirectory { get; set; } = "edgefed-agent-state";

    /// <summary>Length of an aggregation window.</summary>
    [TimeSpanRange("00:00:01", "01:00:00", ErrorMessage = "Agent:Window must be between 00:00:01 and 01:00:00.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Pool catalogue ({id, name, addresses, tags, link} list); empty: the built-in one.</summary>
    public string? CatalogPath { get; set; }

    /// <summary>Optional local Prometheus endpoint (polls, poll errors by kind, miners per health class), e.g. <c>http://127.0.0.1:9464/metrics</c>; empty: off.</summary>
    [RegularExpression("^(|https?://[^/]+/.+)$", ErrorMessage = "Agent:MetricsUrl must be like http://127.0.0.1:9464/metrics, or empty.")]
    public string? MetricsUrl { get; set; }

    /// <summary>Stop after this many acknowledged reports (0: run until stopped). For demos and smoke tests.</summary>
    [Range(0, int.MaxValue)]
    public int MaxReports { get; set; }
}
