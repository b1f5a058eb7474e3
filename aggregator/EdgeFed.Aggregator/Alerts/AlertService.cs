using System.Globalization;
using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Alerts;

/// <summary>
/// Checks the alert rules every <see cref="AlertOptions.EvaluateEvery"/> over the latest block and hashrate windows
/// and stores each new alert once (per kind, subject and period), with its evidence. Of several replicas on one
/// store only the one that leads "alerts" evaluates (the others stand by and take over when it dies); the store's
/// unique key would keep an alert single anyway.
/// </summary>
public sealed class AlertService(ReportStore store, ConcentrationQuery concentration, IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.EvaluateEvery, time);
        do
        {
            try
            {
                if (await store.TryLeadAsync("alerts", stoppingToken))
                {
                    await EvaluateAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ReportStore.IsStoreError(ex))
            {
                Log.AlertsFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One evaluation; returns the alerts that were new.</summary>
    public async Task<IReadOnlyList<AlertCandidate>> EvaluateAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var end = now.ToUnixTimeSeconds();
        var span = (long)o.BlockWindow.TotalSeconds;
        var current = BlockMerger.Merge(await store.BlockSightingsAsync(end - span, end, cancellationToken));
        var previous = BlockMerger.Merge(await store.BlockSightingsAsync(end - 2 * span, end - span, cancellationToken));
        var candidates = AlertRules.OnBlocks(current, previous, $"{now.UtcDateTime:yyyy-MM-dd}", o).ToList();

        var hour = (long)o.HashrateWindow.TotalSeconds;
        var regionsNow = await RegionsAsync(end - hour, end, cancellationToken);
        var regionsBefore = await RegionsAsync(end - 2 * hour, end - hour, cancellationToken);
        candidates.AddRange(AlertRules.OnRegions(regionsNow, regionsBefore, now.UtcDateTime.ToString("yyyy-MM-ddTHH", CultureInfo.InvariantCulture), o));

        var raised = new List<AlertCandidate>();
        foreach (var c in candidates)
        {
            var alert = new Alert { Kind = c.Kind, Subject = c.Subject, Period = c.Period, Message = c.Message, EvidenceJson = c.EvidenceJson, RaisedAt = Timestamp.FromDateTimeOffset(now) };
            if (await store.SaveAlertAsync(alert, cancellationToken))
            {
                Log.AlertRaised(logger, c.Kind, c.Subject, c.Message);
                raised.Add(c);
            }
        }

        return raised;
    }

    private async Task<Dictionary<string, double>> RegionsAsync(long from, long to, CancellationToken cancellationToken)
    {
        var response = await concentration.RunAsync(new ConcentrationRequest
        {
            Dimension = Dimension.Region, Basis = Basis.Hashrate, From = new Timestamp { Seconds = from }, To = new Timestamp { Seconds = to },
        }, cancellationToken);
        return response.Shares.ToDictionary(s => s.Entity, s => s.Value);
    }
}
