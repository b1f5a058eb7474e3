using System.Text.Json;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using Xunit;

namespace EdgeFed.Agent.Tests.Attribution;

public sealed class StratumAndNodeTests
{
    /// <summary>A mining.notify built from a real coinbase: the last 8 scriptSig bytes become the extranonce space.</summary>
    internal static string NotifyFrom(RealCoinbases.Row row, string jobId = "4f2a")
    {
        var tx = RealCoinbases.Serialize(row);
        var scriptSigEnd = 42 + Convert.FromHexString(row.ScriptSigHex).Length;
        var coinb1 = Convert.ToHexStringLower(tx[..(scriptSigEnd - 8)]);
        var coinb2 = Convert.ToHexStringLower(tx[scriptSigEnd..]);
        return JsonSerializer.Serialize(new
        {
            id = (int?)null,
            method = "mining.notify",
            @params = new object[]
            {
                jobId, "4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000", coinb1, coinb2,
                new[] { "2a0d6f2c1e5b6b3a0f9a1c0b7d3e5f4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4" }, "20000000", "17502ab7", "5a77b0c2", true,
            },
        });
    }

    [Fact]
    public void PrevHash_IsShownInBlockHashOrder()
    {
        Assert.Equal("00000000440b921e1b77c6c0487ae5616de67f788f44ae2a5af6e2194d16b6f8",
            StratumJob.DisplayPrevHash("4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000"));
    }

    [Theory]
    [InlineData("507516", 8)]
    [InlineData("682736", null)]
    public void Notify_RebuildsTheRealCoinbase_AndAttributesIt(string number, int? extranonceBytes)
    {
        var row = RealCoinbases.ByNumber(number);

        var job = StratumJob.Parse(NotifyFrom(row), extranonceBytes);

        Assert.Equal(8, job.ExtranonceBytes); // inferred when not given
        Assert.Equal(long.Parse(number, System.Globalization.CultureInfo.InvariantCulture), job.Coinbase.Height);
        Assert.Equal(row.Outputs.Select(o => o.Value), job.Coinbase.Outputs.Select(o => o.ValueSats));
        Assert.Equal(("4f2a", "20000000", "17502ab7", "5a77b0c2", true), (job.JobId, job.Version, job.NBits, job.NTime, job.CleanJobs));
        Assert.Single(job.MerkleBranches);
        var pool = new PoolAttributor(PoolCatalog.Load(RealCoinbases.CatalogPath)).Attribute(job.Coinbase);
        Assert.Equal("tag", pool.Method);
    }

    [Fact]
    public void SameTemplate_DifferentPools_ShareAFingerprint()
    {
        var viabtc = StratumJob.Parse(NotifyFrom(RealCoinbases.ByNumber("682736")));
        var btctop = StratumJob.Parse(NotifyFrom(RealCoinbases.ByNumber("507516")));

        Assert.NotEqual(viabtc.Coinbase.ScriptSigAscii, btctop.Coinbase.ScriptSigAscii);
        Assert.Equal(viabtc.TemplateFingerprint, btctop.TemplateFingerprint);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON-RPC")]
    [InlineData("{\"id\":1,\"method\":\"mining.set_difficulty\",\"params\":[1024]}", "Not a mining.notify")]
    [InlineData("{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"a\",\"b\"]}", "params must be")]
    [InlineData("{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"a\",\"00\",\"01\",\"02\",[],\"1\",\"2\",\"3\",true]}", "prevhash must be 64 hex")]
    public void BadNotify_IsAClearError(string json, string expected)
    {
        var error = Assert.Throws<DecodeException>(() => StratumJob.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    internal static string GetBlockJson(RealCoinbases.Row row, bool withHex) => JsonSerializer.Serialize(new
    {
        result = new
        {
            hash = "00000000000000000008a1b5e2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5",
            height = long.Parse(row.Number, System.Globalization.CultureInfo.InvariantCulture),
            time = 1620000000,
            previousblockhash = "00000000000000000004aa29c0b3f2e1d0c9b8a7f6e5d4c3b2a1908f7e6d5c4b",
            tx = new object[]
            {
                withHex
                    ? new { hex = RealCoinbases.Hex(row) }
                    : new
                    {
                        vin = new[] { new { coinbase = row.ScriptSigHex, sequence = 4294967295 } },
                        vout = row.Outputs.Select((o, i) => new { value = o.Value / 100_000_000m, n = i, scriptPubKey = new { hex = o.ScriptHex } }).ToArray(),
                    },
            },
        },
    });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GetBlock_IsAttributed_FromRawHexOrFromDecodedFields(bool withHex)
    {
        var block = NodeBlock.Parse(GetBlockJson(RealCoinbases.ByNumber("682736"), withHex));

        var pool = new PoolAttributor(PoolCatalog.Load(RealCoinbases.CatalogPath)).Attribute(block.Coinbase);

        Assert.Equal(682736, block.Height);
        Assert.Equal(625_000_000ul, block.Coinbase.Outputs[1].ValueSats);
        Assert.Equal(("ViaBTC", "tag"), (pool.Name, pool.Method));
    }

    [Fact]
    public void GetBlock_WithoutTransactions_IsAClearError() =>
        Assert.Contains("Not a getblock", Assert.Throws<DecodeException>(() => NodeBlock.Parse("{\"hash\":\"00\",\"height\":1}")).Message, StringComparison.Ordinal);
}
