using System.Security.Cryptography;
using System.Text.Json;
using EdgeFed.Agent.Attribution.Bitcoin;

namespace EdgeFed.Agent.Attribution;

/// <summary>
/// One stratum v1 <c>mining.notify</c>: <c>[job_id, prevhash, coinb1, coinb2, merkle_branch[], version, nbits, ntime,
/// clean_jobs]</c>. The coinbase is rebuilt as coinb1 ‖ extranonce placeholder ‖ coinb2; when the extranonce size
/// (extranonce1 + extranonce2_size from <c>mining.subscribe</c>) is not given, the one size for which the bytes
/// parse as exactly one coinbase transaction is used.
/// </summary>
public sealed record StratumJob(
    string JobId, string PrevHash, string Version, string NBits, string NTime, bool CleanJobs, IReadOnlyList<string> MerkleBranches,
    int ExtranonceBytes, CoinbaseInfo Coinbase)
{
    /// <summary>
    /// Identifies the block template behind the job: pools mining on one provider's templates send the same
    /// previous block and merkle branches (the same transactions) with different coinbases.
    /// </summary>
    public string TemplateFingerprint => Convert.ToHexStringLower(SHA256.HashData(
        System.Text.Encoding.ASCII.GetBytes(PrevHash + ":" + string.Join(",", MerkleBranches))).AsSpan(0, 8));

    public static StratumJob Parse(string json, int? extranonceBytes = null)
    {
        JsonElement p;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("method", out var method) || method.GetString() != "mining.notify")
            {
                throw new DecodeException("Not a mining.notify message (its \"method\" must be \"mining.notify\").");
            }

            p = root.GetProperty("params").Clone();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DecodeException($"mining.notify is not valid JSON-RPC: {ex.Message}", ex);
        }

        if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() < 9 || p[4].ValueKind != JsonValueKind.Array)
        {
            throw new DecodeException("mining.notify params must be [job_id, prevhash, coinb1, coinb2, [merkle_branch], version, nbits, ntime, clean_jobs].");
        }

        string Text(int i) => p[i].ValueKind == JsonValueKind.String ? p[i].GetString()! : throw new DecodeException($"mining.notify params[{i}] must be a string.");
        var prevHash = DisplayPrevHash(Text(1));
        var coinb1 = Transaction.FromHex(Text(2));
        var coinb2 = Transaction.FromHex(Text(3));
        var (size, tx) = Rebuild(coinb1, coinb2, extranonceBytes);
        return new StratumJob(
            Text(0), prevHash, Text(5), Text(6), Text(7), p[8].ValueKind == JsonValueKind.True,
            p[4].EnumerateArray().Select(b => b.GetString() ?? throw new DecodeException("merkle branches must be hex strings.")).ToList(),
            size, CoinbaseDecoder.Decode(tx));
    }

    /// <summary>Stratum sends the previous hash as eight 4-byte words each byte-swapped; in display order the words simply reverse.</summary>
    public static string DisplayPrevHash(string stratum)
    {
        if (stratum.Length != 64 || !stratum.All(char.IsAsciiHexDigit))
        {
            throw new DecodeException("prevhash must be 64 hex digits.");
        }

        return string.Concat(Enumerable.Range(0, 8).Reverse().Select(i => stratum.Substring(i * 8, 8))).ToLowerInvariant();
    }

    private static (int Size, Transaction Tx) Rebuild(byte[] coinb1, byte[] coinb2, int? extranonceBytes)
    {
        var sizes = extranonceBytes is { } known ? [known] : new[] { 8, 12, 16, 4, 5, 6, 7, 9, 10, 11, 13, 14, 15, 0, 1, 2, 3 };
        DecodeException? last = null;
        foreach (var size in sizes)
        {
            try
            {
                var tx = Transaction.Parse([.. coinb1, .. new byte[size], .. coinb2]);
                if (tx.IsCoinbase)
                {
                    return (size, tx);
                }
            }
            catch (DecodeException ex)
            {
                last = ex;
            }
        }

        throw new DecodeException($"coinb1 ‖ extranonce ‖ coinb2 is not a coinbase transaction for any extranonce size ({last?.Message}).", last);
    }
}
