using EdgeFed.Agent.Features;
using EdgeFed.Agent.Internal;
using EdgeFed.Protocol.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Inference;

/// <summary>The agent's three models, one <see cref="ModelHandle"/> (one InferenceSession) each.</summary>
public sealed class ModelSet : IDisposable
{
    public const string Health = "miner-health";
    public const string Hardware = "miner-model";
    public const string PoolFallback = "pool-fallback";

    public ModelSet(IOptions<InferenceOptions> options, ILogger<ModelSet> logger)
    {
        var o = options.Value;
        HealthModel = new ModelHandle(Health, o.ResolvedDirectory, MinerFeatures.Names, o.IntraOpNumThreads, logger);
        HardwareModel = new ModelHandle(Hardware, o.ResolvedDirectory, HardwareFeatures.Names, o.IntraOpNumThreads, logger);
        PoolModel = new ModelHandle(PoolFallback, o.ResolvedDirectory, CoinbaseFeatures.Names, o.IntraOpNumThreads, logger);
        ReloadIfChanged();
    }

    public ModelHandle HealthModel { get; }

    public ModelHandle HardwareModel { get; }

    public ModelHandle PoolModel { get; }

    public IEnumerable<ModelHandle> All => [HealthModel, HardwareModel, PoolModel];

    /// <summary>Checks every model's files; call once per poll cycle, from the poll loop.</summary>
    public void ReloadIfChanged()
    {
        var loaded = false;
        foreach (var model in All)
        {
            loaded |= model.ReloadIfChanged();
        }

        if (loaded)
        {
            ResidentMemory.TrimNativeHeap(); // the sessions' construction temporaries (and a replaced session's memory)
        }
    }

    /// <summary>What reports carry: each running model's name and version.</summary>
    public IEnumerable<ModelVersion> Versions() =>
        All.Where(m => m.Version is not null).Select(m => new ModelVersion { Name = m.Name, Version = m.Version });

    public void Dispose()
    {
        foreach (var model in All)
        {
            model.Dispose();
        }
    }
}
