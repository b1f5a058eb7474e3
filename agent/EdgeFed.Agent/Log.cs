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

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Returning to this agent's own aggregator replica {Url}")]
    public static partial void UplinkReturning(ILogger logger, string url);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Poll of {Endpoint} failed: {Kind} on {Command}: {Detail}")]
    public static partial void PollFailed(ILogger logger, string endpoint, string kind, string command, string detail);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Block {Height} by {Pool} ({Method}); run of {Run}")]
    public static partial void BlockObserved(ILogger logger, long height, string pool, string method, int run);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Reorganisation: {Depth} block(s) above height {ForkHeight} replaced")]
    public static partial void ReorgObserved(ILogger logger, int depth, long forkHeight);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Node {Url} unavailable ({Detail}); retrying in {Delay}")]
    public static partial void NodeWatchFailed(ILogger logger, string url, string detail, TimeSpan delay);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Node watcher resumes after block {Height}, the newest already queued (catches up to {MaxCatchUp} blocks)")]
    public static partial void NodeWatchResumed(ILogger logger, long height, int maxCatchUp);

    [LoggerMessage(EventId = 3211, Level = LogLevel.Debug, Message = "Job from {Url}: {Pool} ({Method}), template {Fingerprint}")]
    public static partial void JobObserved(ILogger logger, string url, string pool, string method, string fingerprint);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Warning, Message = "Stratum {Url} failed: {Detail}; reconnecting")]
    public static partial void StratumFailed(ILogger logger, string url, string detail);

    [LoggerMessage(EventId = 3213, Level = LogLevel.Information, Message = "Stratum {Url} closed the connection; reconnecting")]
    public static partial void StratumClosed(ILogger logger, string url);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Model {Name} {Version} loaded ({Features} features, {Classes} classes)")]
    public static partial void ModelLoaded(ILogger logger, string name, string version, int features, int classes);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Error, Message = "Model {Name} unavailable: {Reason}. Rules only until a valid file appears")]
    public static partial void ModelUnavailable(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Error, Message = "New file for model {Name} rejected: {Reason}. Version {Running} keeps running")]
    public static partial void ModelReloadRejected(ILogger logger, string name, string reason, string running);

    [LoggerMessage(EventId = 3311, Level = LogLevel.Information, Message = "Polling {Miners} miners every {Interval}")]
    public static partial void PollingStarted(ILogger logger, int miners, TimeSpan interval);

    [LoggerMessage(EventId = 3312, Level = LogLevel.Debug, Message = "Cycle: {Miners} miners classified, {ByModel} health by model, {NotHealthy} not healthy")]
    public static partial void CycleClassified(ILogger logger, int miners, int byModel, int notHealthy);

    [LoggerMessage(EventId = 3313, Level = LogLevel.Error, Message = "Cannot read the miner list (Agent:Polling): {Reason}. Not polling")]
    public static partial void MinerListUnreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = 3314, Level = LogLevel.Information, Message = "Start-up memory released: resident {Before:F1} MiB -> {After:F1} MiB")]
    public static partial void StartupMemoryReleased(ILogger logger, double before, double after);

    [LoggerMessage(EventId = 3315, Level = LogLevel.Warning,
        Message = "Polling {Miners} miners needs a managed heap of about {NeededMiB} MiB, above the limit of {LimitMiB} MiB: set DOTNET_GCHeapHardLimit={Suggested} (hexadecimal, without 0x) in the unit or agent.env")]
    public static partial void HeapLimitTooSmall(ILogger logger, int miners, long neededMiB, long limitMiB, string suggested);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Error, Message = "Outbox {Path} is not a readable database ({Reason}); moved aside to {Aside}, starting a fresh outbox")]
    public static partial void OutboxMovedAside(ILogger logger, string path, string aside, string reason);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Warning, Message = "Outbox full: dropped the {Dropped} oldest report(s) (limits {MaxReports} reports, {MaxBytes} bytes); {Total} dropped in all")]
    public static partial void OutboxFull(ILogger logger, long dropped, int maxReports, long maxBytes, long total);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Error, Message = "Report {Sequence} could not be written to the outbox ({Reason}): it is lost; polling continues")]
    public static partial void OutboxWriteFailed(ILogger logger, ulong sequence, string reason);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Error, Message = "Aggregator rejected report {Sequence} as invalid ({Reason}); kept in the outbox's rejected table, moving on")]
    public static partial void ReportRejected(ILogger logger, ulong sequence, string reason);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Information, Message = "Window {Start} – {End} closed: report {Sequence} with {Cells} cells, {Blocks} blocks in the outbox ({Pending} pending)")]
    public static partial void WindowClosed(ILogger logger, DateTimeOffset start, DateTimeOffset end, ulong sequence, int cells, int blocks, int pending);

    [LoggerMessage(EventId = 3406, Level = LogLevel.Warning, Message = "Clock went back from {Previous} to {Now}; the next report starts where the last one ended")]
    public static partial void ClockWentBack(ILogger logger, DateTimeOffset previous, DateTimeOffset now);

    [LoggerMessage(EventId = 3407, Level = LogLevel.Information, Message = "Traffic so far: {Polls} polls, {RawBytes} bytes of miner replies read, {SentBytes} bytes sent to the aggregator")]
    public static partial void Traffic(ILogger logger, long polls, long rawBytes, long sentBytes);
}
