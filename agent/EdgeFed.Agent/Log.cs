using Microsoft.Extensions.Logging;

namespace EdgeFed.Agent;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Aggregator {Url} health: {Status}")]
    public static partial void AggregatorHealth(ILogger logger, string url, string status);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Enrolled as {AgentId}; key stored in the agent state")]
    public static partial void Enrolled(ILogger logger, string agentId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information,
        Message = "Report {Sequence} acknowledged (window {WindowStart:O} – {WindowEnd:O}, {Cells} cells, duplicate: {Duplicate})")]
    public static partial void ReportAcknowledged(ILogger logger, ulong sequence, DateTimeOffset windowStart, DateTimeOffset windowEnd, int cells, bool duplicate);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Aggregator unreachable ({Status}: {Detail}); retrying in {Delay}")]
    public static partial void UplinkRetrying(ILogger logger, string status, string detail, TimeSpan delay);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Aggregator refused this agent ({Status}: {Detail}); not retrying. Fix the configuration and restart.")]
    public static partial void UplinkFailedPermanently(ILogger logger, string status, string detail);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Agent key refused ({Detail}); enrolling again")]
    public static partial void ReEnrolling(ILogger logger, string detail);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Poll of {Endpoint} failed: {Kind} on {Command}: {Detail}")]
    public static partial void PollFailed(ILogger logger, string endpoint, string kind, string command, string detail);
}
