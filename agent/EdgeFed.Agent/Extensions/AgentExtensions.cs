using EdgeFed.Agent.Aggregation;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Node;
using EdgeFed.Agent.Collectors.Stratum;
using EdgeFed.Agent.Inference;
using EdgeFed.Agent.Outbox;
using EdgeFed.Agent.Uplink;
using EdgeFed.Protocol.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Extensions;

public static class AgentExtensions
{
    /// <summary>Options (validated at start, naming the bad key), state, models, attribution, polling, the watchers, report building and the uplink.</summary>
    public static IHostApplicationBuilder AddEdgeAgent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateOnStart()
            .Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        builder.Services.AddOptions<NodeWatchOptions>().BindConfiguration("Agent:Node").ValidateOnStart()
            .Services.AddSingleton<IValidateOptions<NodeWatchOptions>, NodeWatchOptionsValidator>();
        builder.Services.AddOptions<StratumWatchOptions>().BindConfiguration("Agent:Stratum");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<AgentOptions>>().Value.CatalogPath is { Length: > 0 } path
            ? PoolCatalog.Load(path)
            : PoolCatalog.BuiltIn);
        builder.Services.AddOptions<PollOptions>().BindConfiguration("Agent:Polling").ValidateOnStart()
            .Services.AddSingleton<IValidateOptions<PollOptions>, PollOptionsValidator>();
        builder.Services.AddOptions<InferenceOptions>().BindConfiguration("Agent:Models").ValidateOnStart()
            .Services.AddSingleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>();
        builder.Services.AddSingleton<ModelSet>();
        builder.Services.AddSingleton<MinerClassifier>();
        builder.Services.AddSingleton<PoolFallbackClassifier>();
        builder.Services.AddSingleton(sp => new PoolAttributor(sp.GetRequiredService<PoolCatalog>(), sp.GetRequiredService<PoolFallbackClassifier>()));
        builder.Services.AddSingleton(sp => new PoolUrlResolver(sp.GetRequiredService<PoolCatalog>()));
        builder.Services.AddSingleton(new ProxyGroups(ProxyGroups.Default));
        builder.Services.AddSingleton<MinerCollector>();
        builder.Services.AddSingleton<FleetPoller>();
        builder.Services.AddSingleton<CellAccumulator>();
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration("Agent:Privacy").ValidateOnStart()
            .Services.AddSingleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>();
        builder.Services.AddSingleton(sp => new LaplaceNoise(sp.GetRequiredService<IOptions<PrivacyOptions>>()));
        builder.Services.AddSingleton<Metrics.AgentMetrics>();
        builder.Services.AddHostedService<Metrics.AgentMetricsServer>();
        builder.Services.AddHostedService<FleetCycleService>();
        builder.Services.AddSingleton<ObservationBuffer>();
        builder.Services.AddSingleton<Collectors.Stratum.ShareLedger>();
        builder.Services.AddHostedService<NodeWatcherService>();
        builder.Services.AddHostedService<StratumWatcherService>();
        builder.Services.AddSingleton<AgentStateStore>();
        builder.Services.AddSingleton<ReportFactory>();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Agent:Outbox").ValidateOnStart()
            .Services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();
        builder.Services.AddSingleton<ReportOutbox>();
        builder.Services.AddHostedService<WindowWorker>();
        builder.Services.AddSingleton<AggregatorUplink>();
        builder.Services.AddHostedService<UplinkWorker>();
        return builder;
    }
}
