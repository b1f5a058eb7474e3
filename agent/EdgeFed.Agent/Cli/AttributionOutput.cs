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
            var groups = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, List<string>>>(File.ReadAllText(path))
                         ?? throw new DecodeException($"Proxy groups '{path}' are empty.");
            return new ProxyGroups(groups.ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Value));
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new DecodeException($"Proxy groups '{path}' must be {{\"group\": [\"pool-slug\", ...]}}: {ex.Message}", ex);
        }
    }

    public static object Pool(PoolAttribution pool, ProxyGroups groups) => new
    {
        name = pool.Name,
        id = pool.Id,
        slug = pool.Slug,
        method = pool.Method,
        evidence = pool.Evidence,
        templateProvider = groups.ProviderOf(pool.Slug),
    };

    public static object Coinbase(CoinbaseInfo coinbase, PoolAttribution pool, ProxyGroups groups) => new
    {
        height = coinbase.Height,
        scriptSigHex = coinbase.ScriptSigHex,
        scriptSigAscii = coinbase.ScriptSigAscii,
        segwit = coinbase.Segwit,
        outputs = coinbase.Outputs.Select(o => new { type = o.Type, address = o.Address, valueSats = o.ValueSats, scriptHex = o.ScriptHex }),
        commitments = coinbase.Commitments.Select(c => new { kind = c.Kind, data = c.DataHex }),
        pool = Pool(pool, groups),
    };

    /// <summary>Runs a decode, printing JSON to stdout or a clear error to stderr (exit 1).</summary>
    public static async Task<int> RunAsync(string command, Func<object> decode)
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
