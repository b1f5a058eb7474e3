using EdgeFed.Agent.Attribution.Bitcoin;

namespace EdgeFed.Agent.Features;

/// <summary>
/// The layout of a coinbase for the pool-fallback classifier: output count and script types, commitments, scriptSig
/// length and byte classes, and how the value is split. No address and no tag text enters (those are the rules' job).
/// </summary>
public static class CoinbaseFeatures
{
    private static readonly string[] ScriptTypes = ["p2pkh", "p2sh", "p2wpkh", "p2wsh", "p2tr", "p2pk", "op_return"];

    public static IReadOnlyList<string> Names { get; } =
    [
        "outputs",                                            // output count
        .. ScriptTypes.Select(t => $"outputs_{t}"),           // outputs of each script type
        "outputs_other",                                      // non-standard scripts
        "witness_commitment",                                 // 1 when a BIP141 commitment is present
        "auxpow",                                             // 1 when the scriptSig carries the merged-mining marker
        "rsk",                                                // 1 when an RSK commitment is present
        "other_merged_mining",                                // CoreDAO, Hathor, Syscoin or ExSat commitments
        "first_output_is_op_return",                          // commitment placed before the payout
        "scriptsig_bytes",                                    // scriptSig length, bytes
        "scriptsig_printable_fraction",                       // bytes in 0x20-0x7e
        "scriptsig_zero_fraction",                            // 0x00 bytes
        "scriptsig_longest_printable_run",                    // longest run of printable bytes
        "largest_output_value_fraction",                      // largest output / total value
        "largest_output_position",                            // index of the largest output / output count
        "paying_outputs",                                     // outputs with a non-zero value
    ];

    public static float[] Of(CoinbaseInfo coinbase)
    {
        var scriptSig = Convert.FromHexString(coinbase.ScriptSigHex);
        var outputs = coinbase.Outputs;
        var total = outputs.Sum(o => (double)o.ValueSats);
        var largest = outputs.Count == 0 ? -1 : outputs.Select((o, i) => (o.ValueSats, i)).MaxBy(p => p.ValueSats).i;
        bool Has(string kind) => coinbase.Commitments.Any(c => c.Kind == kind);
        var features = new List<float> { outputs.Count };
        features.AddRange(ScriptTypes.Select(t => (float)outputs.Count(o => o.Type == t)));
        features.Add(outputs.Count(o => !ScriptTypes.Contains(o.Type)));
        features.Add(Has("witness") ? 1 : 0);
        features.Add(Has("auxpow") ? 1 : 0);
        features.Add(Has("rsk") ? 1 : 0);
        features.Add(coinbase.Commitments.Any(c => c.Kind is "coredao" or "hathor" or "syscoin" or "exsat") ? 1 : 0);
        features.Add(outputs.Count > 0 && outputs[0].Type == "op_return" ? 1 : 0);
        features.Add(scriptSig.Length);
        features.Add(scriptSig.Length == 0 ? MinerFeatures.Missing : scriptSig.Count(b => b is >= 0x20 and <= 0x7e) / (float)scriptSig.Length);
        features.Add(scriptSig.Length == 0 ? MinerFeatures.Missing : scriptSig.Count(b => b == 0) / (float)scriptSig.Length);
        features.Add(LongestPrintableRun(scriptSig));
        features.Add(total > 0 ? (float)(outputs[largest].ValueSats / total) : MinerFeatures.Missing);
        features.Add(largest >= 0 ? largest / (float)outputs.Count : MinerFeatures.Missing);
        features.Add(outputs.Count(o => o.ValueSats > 0));
        return [.. features];
    }

    private static int LongestPrintableRun(byte[] bytes)
    {
        int best = 0, run = 0;
        foreach (var b in bytes)
        {
            run = b is >= 0x20 and <= 0x7e ? run + 1 : 0;
            best = Math.Max(best, run);
        }

        return best;
    }
}
