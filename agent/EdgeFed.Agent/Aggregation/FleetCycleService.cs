using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Features;
using EdgeFed.Agent.Inference;
using EdgeFed.Agent.Internal;
using EdgeFed.Protocol.Domain;
using EdgeFed.Protocol.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Aggregation;

/// <summary>
/// The farm side of the agent: every <see cref="PollOptions.Interval"/> it polls all configured miners, keeps each
/// one's last <see cref="MinerFeatures.WindowSize"/> samples (a <see cref="MinerWindow"/>), classifies them all in one batch per model, attributes
/// each miner's pool from its pool URL (and the template provider from the proxy groups), and adds the result to the
/// window's cells. Models are checked for new files at the start of each cycle.
/// </summary>
public sealed class FleetCycleService(
    FleetPoller poller, MinerClassifier classifier, ModelSet models, CellAccumulator cells, PoolUrlResolver pools, ProxyGroups providers,
    IOptions<PollOptions> options, TimeProvider time, ILogger<FleetCycleService> logger, Metrics.AgentMetrics? metrics = null) : BackgroundService
{
    private readonly Dictionary<MinerEndpoint, MinerWindow> _windows = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<MinerEndpoint> miners;
        try
        {
            miners = MinerList.Load(options.Value);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            Log.MinerListUnreadable(logger, ex.Message);
            return;
        }

        if (miners.Count == 0)
        {
            ReleaseStartupMemory();
            return; // a node or stratum-only agent
        }

        Log.PollingStarted(logger, miners.Count, options.Value.Interval);
        var heapLimit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes; // the hard limit when one is set
        if (ManagedHeapBudget.Needed(miners.Count) > heapLimit)
        {
            Log.HeapLimitTooSmall(logger, miners.Count, ManagedHeapBudget.Needed(miners.Count) >> 20, heapLimit >> 20, ManagedHeapBudget.SuggestedLimit(miners.Count));
        }

        ReleaseStartupMemory(); // the host's wiring and the models' loading
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        var first = true;
        do
        {
            await RunCycleAsync(miners, stoppingToken);
            if (first)
            {
                ReleaseStartupMemory(); // every miner's family detected
                first = false;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private void ReleaseStartupMemory()
    {
        if (!options.Value.ReleaseStartupMemory)
        {
            return;
        }

        var before = ResidentMemory.ResidentBytes();
        ResidentMemory.TrimNativeHeap();
        ResidentMemory.PageOutFileMappings();
        Log.StartupMemoryReleased(logger, before / (1024.0 * 1024), ResidentMemory.ResidentBytes() / (1024.0 * 1024));
    }

    /// <summary>One cycle: poll everyone, classify in one batch, add to the cells.</summary>
    public async Task RunCycleAsync(IReadOnlyList<MinerEndpoint> miners, CancellationToken cancellationToken)
    {
        models.ReloadIfChanged();
        var samples = await poller.PollAllAsync(miners, cancellationToken);
        var windows = new List<MinerWindow>(samples.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            if (!_windows.TryGetValue(miners[i], out var window))
            {
                _windows[miners[i]] = window = new MinerWindow();
            }

            window.Add(samples[i]);
            windows.Add(window); // read within this cycle only, before the next Add
        }

        var classes = classifier.Classify(windows);
        var observations = new List<MinerObservation>(samples.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            var c = classes[i];
            var pool = pools.Resolve(windows[i].Identity.PoolUrl).Slug;
            var key = new CellKey
            {
                Pool = pool, TemplateProvider = providers.ProviderOf(pool), Vendor = c.Vendor ?? MinerClassifier.Unknown,
                Model = c.Model ?? MinerClassifier.Unknown, Health = CellAccumulator.HealthClassOf(c.Health),
            };
            observations.Add(new MinerObservation(miners[i].ToString(), key, sample.AverageThs ?? sample.HashrateThs, sample.PowerW,
                sample.AcceptedShares, sample.RejectedShares, c.Confidence, c.DecidedBy, c.ModelDecidedBy));
        }

        cells.AddCycle(observations);
        metrics?.RecordCycle(samples, classes.Select(c => c.Health).ToList());
        Log.CycleClassified(logger, samples.Count, classes.Count(c => c.DecidedBy == "model"), classes.Count(c => c.Health != "healthy"));
    }
}
