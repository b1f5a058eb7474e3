using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Protocol.Domain;

namespace EdgeFed.Agent.Cli;

/// <summary>The JSON shapes of <c>decode</c> and <c>identify</c>; the catalogue they attribute with.</summary>
public static class AttributionOutput
{
    public static PoolCatalog Catalog(string? path) => path is null ? PoolCatalog.BuiltIn : PoolCatalog.Load(path);

    /// <summary>Proxy groups from a JSON file <c>{"group": ["pool-slug", ...]}</c>, or the published default.</summary>
    public static ProxyGroups Groups(string? path)
    {
        if (path is null)
        {
            return new ProxyGroups(ProxyGroups.Default);
        }

        try
        {
            var groups = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(path), Internal.AgentJsonContext.Default.DictionaryStringListString)
                         ?? throw new DecodeException($"Proxy groups '{path}' are empty.");
            return new ProxyGroups(groups.ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Value));
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new DecodeException($"Proxy groups '{path}' must be {{\"group\": [\"pool-slug\", ...]}}: {ex.Message}", ex);
        }
    }

    public static PoolJson Pool(PoolAttribution pool, ProxyGroups groups) =>
        new(pool.Name, pool.Id, pool.Slug, pool.Method, pool.Evidence, groups.ProviderOf(pool.Slug));

    public static CoinbaseJson Coinbase(CoinbaseInfo coinbase, PoolAttribution pool, ProxyGroups groups) => new(
        coinbase.Height, coinbase.ScriptSigHex, coinbase.ScriptSigAscii, coinbase.Segwit,
        [.. coinbase.Outputs.Select(o => new CoinbaseOutputJson(o.Type, o.Address, o.ValueSats, o.ScriptHex))],
        Commitments(coinbase), Pool(pool, groups));

    public static IReadOnlyList<CommitmentJson> Commitments(CoinbaseInfo coinbase) => [.. coinbase.Commitments.Select(c => new CommitmentJson(c.Kind, c.DataHex))];

    /// <summary>Runs a decode, printing JSON to stdout or a clear error to stderr (exit 1).</summary>
    public static async Task<int> RunAsync<T>(string command, Func<T> decode)
    {
        try
        {
            Console.WriteLine(CliJson.Serialize(decode()));
            return 0;
        }
        catch (DecodeException ex)
        {
            await Console.Error.WriteLineAsync($"edgefed-agent {command}: {ex.Message}");
            return 1;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"edgefed-agent {command}: {ex.Message}");
            return 1;
        }
    }
}
