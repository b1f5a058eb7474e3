using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Emulator;
using EdgeFed.Agent.Inference;
using EdgeFed.Agent.Tests.Attribution;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Inference;

/// <summary>The pool-fallback model behind the attribution rules: last resort, labelled as such, silent when unsure.</summary>
public sealed class PoolFallbackTests
{
    private static readonly PoolCatalog Catalog = PoolCatalog.Load(RealCoinbases.CatalogPath);

    private static PoolAttributor Attributor(ModelSet models) =>
        new(Catalog, new PoolFallbackClassifier(models, Catalog, Options.Create(new InferenceOptions())));

    [Fact]
    public void TaggedRealCoinbase_KeepsItsTagAttribution()
    {
        using var models = CommittedModels.Load();

        var pool = Attributor(models).Attribute(CoinbaseDecoder.Decode(RealCoinbases.Hex(RealCoinbases.ByNumber("507715"))));

        Assert.Equal(("gbminers", "tag"), (pool.Slug, pool.Method));
    }

    [Fact]
    public void UntaggedCoinbase_WithAClearLayout_IsAttributedByTheModel()
    {
        using var models = CommittedModels.Load();
        var ocean = CoinbaseLayouts.Synthesise(CoinbaseLayouts.Known.Single(l => l.Pool == "Ocean.xyz"), Catalog, new Random(5));

        var pool = Attributor(models).Attribute(ocean);

        Assert.Equal(("oceanxyz", "model"), (pool.Slug, pool.Method));
        Assert.StartsWith("p=", pool.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void BareCoinbase_TheModelIsUnsureOf_StaysUnknown()
    {
        using var models = CommittedModels.Load();
        var bare = CoinbaseDecoder.FromParts([], [new TxOutput(312_500_000, [0x76, 0xa9, 0x14, .. new byte[20], 0x88, 0xac])], segwit: false);

        var pool = Attributor(models).Attribute(bare);

        Assert.Equal("unknown", pool.Method);
    }
}
