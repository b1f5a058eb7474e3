using System.CommandLine;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;

namespace EdgeFed.Agent.Cli;

/// <summary>
/// <c>edgefed-agent decode coinbase --hex HEX</c> and <c>decode notify --file F [--extranonce-bytes N]</c>, with
/// <c>--catalog PATH</c> and <c>--groups PATH</c>.
/// </summary>
public static class DecodeCommand
{
    public static Command Create()
    {
        var catalog = new Option<string?>("--catalog") { Description = "Pool catalogue ({id, name, addresses, tags, link} list); default: built-in", Recursive = true };
        var groups = new Option<string?>("--groups") { Description = "Proxy groups, JSON {\"group\": [\"pool-slug\", ...]}; default: AntPool & friends", Recursive = true };
        var command = new Command("decode", "Decode and attribute a coinbase transaction or a stratum mining.notify.") { catalog, groups };

        var hex = new Option<string>("--hex") { Description = "Coinbase transaction, hex (legacy or segwit serialisation)", Required = true };
        var coinbase = new Command("coinbase", "Decode a coinbase transaction and attribute it to a pool.") { hex };
        coinbase.SetAction((result, _) => AttributionOutput.RunAsync("decode coinbase", () =>
        {
            var decoded = CoinbaseDecoder.Decode(result.GetValue(hex)!);
            return AttributionOutput.Coinbase(decoded, new PoolAttributor(AttributionOutput.Catalog(result.GetValue(catalog))).Attribute(decoded),
                AttributionOutput.Groups(result.GetValue(groups)));
        }));

        var file = new Option<string>("--file") { Description = "A file holding one mining.notify JSON-RPC message", Required = true };
        var extranonce = new Option<int?>("--extranonce-bytes") { Description = "extranonce1 + extranonce2_size (default: inferred)" };
        var notify = new Command("notify", "Decode a stratum mining.notify and attribute its coinbase.") { file, extranonce };
        notify.SetAction((result, _) => AttributionOutput.RunAsync("decode notify", () =>
        {
            var job = StratumJob.Parse(File.ReadAllText(result.GetValue(file)!), result.GetValue(extranonce));
            var pool = new PoolAttributor(AttributionOutput.Catalog(result.GetValue(catalog))).Attribute(job.Coinbase);
            var proxyGroups = AttributionOutput.Groups(result.GetValue(groups));
            var coinbaseJson = AttributionOutput.Coinbase(job.Coinbase, pool, proxyGroups);
            return new NotifyJson(
                job.JobId, job.PrevHash, job.Version, job.NBits, job.NTime, job.CleanJobs, job.MerkleBranches, job.ExtranonceBytes,
                job.TemplateFingerprint, coinbaseJson, job.Coinbase.Height, job.Coinbase.ScriptSigAscii,
                [.. job.Coinbase.Outputs.Select(o => new NotifyOutputJson(o.Type, o.Address, o.ValueSats))],
                AttributionOutput.Commitments(job.Coinbase), AttributionOutput.Pool(pool, proxyGroups));
        }));

        command.Subcommands.Add(coinbase);
        command.Subcommands.Add(notify);
        return command;
    }
}
