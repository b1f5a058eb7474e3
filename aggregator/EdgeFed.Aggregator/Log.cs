using Microsoft.Extensions.Logging;

namespace EdgeFed.Aggregator;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Agent {AgentId} enrolled (region {Region})")]
    public static partial void AgentEnrolled(ILogger logger, string agentId, string region);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Enrolment refused for agent {AgentId}: bad token")]
    public static partial void EnrolmentRefused(ILogger logger, string agentId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Report {Sequence} from {AgentId} rejected: {Problem}")]
    public static partial void ReportRejected(ILogger logger, string agentId, ulong sequence, string problem);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Aggregator listening on {Urls}, database {DatabasePath}")]
    public static partial void Listening(ILogger logger, string urls, string databasePath);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Dashboard, HTTP API and metrics on {Urls}")]
    public static partial void DashboardListening(ILogger logger, string urls);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Roll-up failed: {Reason}")]
    public static partial void RollupFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "The store is unavailable ({Reason}); reports are refused with UNAVAILABLE until it is back")]
    public static partial void StoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Upstream window {Window:u} built: {Cells} cells, {Blocks} blocks, {Agents} agents behind")]
    public static partial void UpstreamBuilt(ILogger logger, DateTimeOffset window, int cells, int blocks, uint agents);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Upstream {Url} acknowledged {Reports} reports")]
    public static partial void UpstreamSent(ILogger logger, string url, int reports);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Upstream {Url} unavailable ({Reason}); the outbox keeps the windows and is sent again")]
    public static partial void UpstreamFailed(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Alert {Kind} for {Subject}: {Message}")]
    public static partial void AlertRaised(ILogger logger, string kind, string subject, string message);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Alert evaluation failed: {Reason}")]
    public static partial void AlertsFailed(ILogger logger, string reason);
}
