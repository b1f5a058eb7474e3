using EdgeFed.Agent.Aggregation;
using EdgeFed.Agent.Outbox;
using EdgeFed.Agent.Uplink;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeFed.Agent.Extensions;

public static class AgentExtensions
{
    /// <summary>Options (validated at start, naming the bad key), state, report building and the uplink worker.</summary>
    public static IHostApplicationBuilder AddEdgeAgent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentStateStore>();
        builder.Services.AddSingleton<ReportFactory>();
        builder.Services.AddSingleton<AggregatorUplink>();
        builder.Services.AddHostedService<UplinkWorker>();
        return builder;
    }
}
