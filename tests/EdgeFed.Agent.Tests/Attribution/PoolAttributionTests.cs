using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Protocol.Domain;
using Xunit;

namespace EdgeFed.Agent.Tests.Attribution;

/// <summary>Attribution of real coinbases with the community catalogue; every expectation names its rule.</summary>
public sealed class PoolAttributionTests
{
    private static readonly PoolAttributor Community = new(PoolCatalog.Load(RealCoinbases.CatalogPath));

    [Theory]
    [InlineData("507715", "GBMiners", "tag", "/mined by gbminers/")]
    [InlineData("511342", "GBMiners", "tag", "/mined by gbminers/")]
    [InlineData("507516", "BTC.TOP", "tag", "/BTC.TOP/")]
    [InlineData("510888", "WAYI.CN", "tag", "/E2M & BTC.TOP/")] // the longer, more specific tag wins over /BTC.TOP/
    [InlineData("682736", "ViaBTC", "tag", "/ViaBTC/")]
    [InlineData("508242", "DPOOL", "address", "1AM2fYfpY3ZeMeCKXmN66haoWxvB89pJUx")]
    [InlineData("649061", "AntPool", "address", "12dRugNcdxK39288NjcDV4GX7rMsKCGn6B")] // address beats its "Mined by AntPool" tag
    [InlineData("649062", "AntPool", "address", "12dRugNcdxK39288NjcDV4GX7rMsKCGn6B")] // empty scriptSig: the payout still tells
    public void RealCoinbase_IsAttributed_ByTheStatedRule(string number, string pool, string method, string evidence)
    {
        var attribution = Community.Attribute(CoinbaseDecoder.Decode(RealCoinbases.Hex(RealCoinbases.ByNumber(number))));

        Assert.Equal((pool, method, evidence), (attribution.Name, attribution.Method, attribution.Evidence));
    }

    [Fact]
    public void NoAddressAndNoTag_IsUnknown_WhichIsAnEntityOfItsOwn()
    {
        var attribution = new PoolAttributor(PoolCatalog.BuiltIn).Attribute(CoinbaseDecoder.FromParts([0x03, 0x01, 0x02, 0x03], [], false));

        Assert.Equal(("Unknown", "unknown", "unknown"), (attribution.Name, attribution.Slug, attribution.Method));
    }

    [Fact]
    public void BuiltInCatalogue_AttributesByTag_WithoutAFile()
    {
        var attribution = new PoolAttributor(PoolCatalog.BuiltIn).Attribute(CoinbaseDecoder.Decode(RealCoinbases.Hex(RealCoinbases.ByNumber("649061"))));

        Assert.Equal(("AntPool", "tag", "Mined by AntPool"), (attribution.Name, attribution.Method, attribution.Evidence));
    }

    [Fact]
    public void Utf8Tags_Match()
    {
        var scriptSig = System.Text.Encoding.UTF8.GetBytes("\u0003abc七彩神仙鱼");

        var attribution = new PoolAttributor(PoolCatalog.BuiltIn).Attribute(CoinbaseDecoder.FromParts(scriptSig, [], false));

        Assert.Equal(("F2Pool", "tag"), (attribution.Name, attribution.Method));
    }

    [Theory]
    [InlineData("poolin", ProxyGroups.AntPoolAndFriends)]
    [InlineData("antpool", ProxyGroups.AntPoolAndFriends)]
    [InlineData("braiinspool", ProxyGroups.AntPoolAndFriends)]
    [InlineData("foundryusa", "foundryusa")]
    [InlineData("unknown", "unknown")]
    public void ProxyPools_MapToTheirTemplateProvider(string slug, string provider) =>
        Assert.Equal(provider, new ProxyGroups(ProxyGroups.Default).ProviderOf(slug));

    [Fact]
    public void Slugs_MatchTheBlockLabelDataset()
    {
        var catalog = PoolCatalog.Load(RealCoinbases.CatalogPath);

        Assert.Contains(catalog.Pools, p => p.Slug == "foundryusa");
        Assert.Contains(catalog.Pools, p => p.Slug == "antpool");
        Assert.Contains(catalog.Pools, p => p.Slug == "marapool");
    }

    [Fact]
    public void BrokenCatalogue_IsAClearError()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "{\"not\": \"a list\"}");

        var error = Assert.Throws<DecodeException>(() => PoolCatalog.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
