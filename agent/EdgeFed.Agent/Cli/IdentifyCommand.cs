using System.CommandLine;
using EdgeFed.Agent.Attribution;

namespace EdgeFed.Agent.Cli;

/// <summary><c>edgefed-agent identify block --file F [--catalog PATH]</c>: attribute a Bitcoin Core <c>getblock</c> (verbosity 2) block.</summary>
public static class IdentifyCommand
{
    public static Command Create()
    {
        var catalog = new Option<string?>("--catalog") { Description = "Pool catalogue; default: built-in", Recursive = true };
        var groups = new Option<string?>("--groups") { Description = "Proxy groups, JSON {\"group\": [\"pool-slug\", ...]}", Recursive = true };
        var file = new Option<string>("--file") { Description = "getblock <hash> 2 output (JSON)", Required = true };
        var block = new Command("block", "Attribute a block to a pool.") { file };
        block.SetAction((result, _) => AttributionOutput.RunAsync("identify block", () =>
        {
            var parsed = NodeBlock.Parse(File.ReadAllText(result.GetValue(file)!));
            var pool = new PoolAttributor(AttributionOutput.Catalog(result.GetValue(catalog))).Attribute(parsed.Coinbase);
            var proxyGroups = AttributionOutput.Groups(result.GetValue(groups));
            return new IdentifyJson(parsed.Height, parsed.Hash, AttributionOutput.Pool(pool, proxyGroups),
                AttributionOutput.Coinbase(parsed.Coinbase, pool, proxyGroups));
        }));
        return new Command("identify", "Identify who built a block.") { catalog, groups, block };
    }
}
