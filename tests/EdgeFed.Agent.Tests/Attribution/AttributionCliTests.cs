using System.Text.Json;
using EdgeFed.Protocol.Domain;
using Xunit;

namespace EdgeFed.Agent.Tests.Attribution;

/// <summary>decode coinbase / decode notify / identify block as other tools call them.</summary>
public sealed class AttributionCliTests
{
    private static string Agent => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "EdgeFed.Agent",
        new DirectoryInfo(AppContext.BaseDirectory).Name, "edgefed-agent"));

    private static async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        var (exit, output) = await ProcessRunner.RunAsync(Agent, args, TimeSpan.FromMinutes(1));
        Assert.True(exit == 0, output);
        return JsonDocument.Parse(output).RootElement;
    }

    [Fact]
    public async Task DecodeCoinbase_PrintsTheContractFields()
    {
        var json = await RunJsonAsync("decode", "coinbase", "--hex", RealCoinbases.Hex(RealCoinbases.ByNumber("649061")), "--catalog", RealCoinbases.CatalogPath);

        Assert.Equal(649061, json.GetProperty("height").GetInt64());
        Assert.Contains("Mined by AntPool", json.GetProperty("scriptSigAscii").GetString(), StringComparison.Ordinal);
        Assert.Equal("p2pkh", json.GetProperty("outputs")[0].GetProperty("type").GetString());
        Assert.Equal("12dRugNcdxK39288NjcDV4GX7rMsKCGn6B", json.GetProperty("outputs")[0].GetProperty("address").GetString());
        Assert.Equal(632651061, json.GetProperty("outputs")[0].GetProperty("valueSats").GetInt64());
        Assert.Equal("witness", json.GetProperty("commitments")[0].GetProperty("kind").GetString());
        Assert.Equal(("AntPool", "address"), (json.GetProperty("pool").GetProperty("name").GetString(), json.GetProperty("pool").GetProperty("method").GetString()));
        Assert.Equal(61, json.GetProperty("pool").GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task DecodeNotify_And_IdentifyBlock_ReadTheirFiles()
    {
        var dir = Directory.CreateTempSubdirectory("edgefed-attr-").FullName;
        var notify = Path.Combine(dir, "notify.json");
        var block = Path.Combine(dir, "block.json");
        await File.WriteAllTextAsync(notify, StratumAndNodeTests.NotifyFrom(RealCoinbases.ByNumber("507516")));
        await File.WriteAllTextAsync(block, StratumAndNodeTests.GetBlockJson(RealCoinbases.ByNumber("682736"), withHex: false));

        var job = await RunJsonAsync("decode", "notify", "--file", notify, "--catalog", RealCoinbases.CatalogPath);
        var identified = await RunJsonAsync("identify", "block", "--file", block, "--catalog", RealCoinbases.CatalogPath);

        Assert.Equal("00000000440b921e1b77c6c0487ae5616de67f788f44ae2a5af6e2194d16b6f8", job.GetProperty("prevHash").GetString());
        Assert.Equal(507516, job.GetProperty("height").GetInt64());
        Assert.Equal("BTC.TOP", job.GetProperty("pool").GetProperty("name").GetString());
        Assert.True(job.GetProperty("cleanJobs").GetBoolean());
        Assert.Equal(682736, identified.GetProperty("height").GetInt64());
        Assert.Equal("ViaBTC", identified.GetProperty("pool").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("decode", "coinbase", "--hex", "0100000001zz")]
    [InlineData("decode", "coinbase", "--hex", "01000000")]
    [InlineData("identify", "block", "--file", "/nonexistent/block.json")]
    public async Task BadInput_ExitsOne_WithAMessage(params string[] args)
    {
        var (exit, output) = await ProcessRunner.RunAsync(Agent, args, TimeSpan.FromMinutes(1));

        Assert.Equal(1, exit);
        Assert.Contains("edgefed-agent", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxyGroups_FromAFile_NameTheTemplateProvider()
    {
        var groups = Path.Combine(Directory.CreateTempSubdirectory("edgefed-groups-").FullName, "groups.json");
        await File.WriteAllTextAsync(groups, "{\"ViaBTC & co\": [\"viabtc\"]}");
        var hex = RealCoinbases.Hex(RealCoinbases.ByNumber("682736"));

        var grouped = await RunJsonAsync("decode", "coinbase", "--hex", hex, "--catalog", RealCoinbases.CatalogPath, "--groups", groups);
        var plain = await RunJsonAsync("decode", "coinbase", "--hex", hex, "--catalog", RealCoinbases.CatalogPath);

        Assert.Equal("ViaBTC & co", grouped.GetProperty("pool").GetProperty("templateProvider").GetString());
        Assert.Equal("viabtc", plain.GetProperty("pool").GetProperty("templateProvider").GetString());
    }
}
