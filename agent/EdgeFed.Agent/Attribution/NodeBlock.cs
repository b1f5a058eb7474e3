using System.Text.Json;
using EdgeFed.Agent.Attribution.Bitcoin;

namespace EdgeFed.Agent.Attribution;

/// <summary>A block as Bitcoin Core's <c>getblock &lt;hash&gt; 2</c> returns it, reduced to what attribution needs.</summary>
/// <remarks><c>difficulty</c> and <c>nTx</c> are 0 when the node leaves them out.</remarks>
public sealed record NodeBlock(long Height, string Hash, string? PreviousHash, DateTimeOffset? Time, CoinbaseInfo Coinbase, double Difficulty = 0, int TxCount = 0)
{
    public static NodeBlock Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object ? result : document.RootElement;
            var coinbase = root.GetProperty("tx")[0];
            var info = coinbase.TryGetProperty("hex", out var hex) && hex.ValueKind == JsonValueKind.String
                ? CoinbaseDecoder.Decode(hex.GetString()!)
                : FromParts(coinbase);
            return new NodeBlock(
                root.GetProperty("height").GetInt64(), root.GetProperty("hash").GetString()!,
                root.TryGetProperty("previousblockhash", out var previous) ? previous.GetString() : null,
                root.TryGetProperty("time", out var time) ? DateTimeOffset.FromUnixTimeSeconds(time.GetInt64()) : null, info,
                root.TryGetProperty("difficulty", out var difficulty) && difficulty.ValueKind == JsonValueKind.Number ? difficulty.GetDouble() : 0,
                root.TryGetProperty("nTx", out var count) && count.ValueKind == JsonValueKind.Number ? count.GetInt32() : 0);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new DecodeException($"Not a getblock (verbosity 2) block: {ex.Message}", ex);
        }
    }

    private static CoinbaseInfo FromParts(JsonElement tx)
    {
        var scriptSig = Transaction.FromHex(tx.GetProperty("vin")[0].GetProperty("coinbase").GetString()!);
        var outputs = tx.GetProperty("vout").EnumerateArray().Select(o => new TxOutput(
            (ulong)decimal.Round(o.GetProperty("value").GetDecimal() * 100_000_000m),
            Transaction.FromHex(o.GetProperty("scriptPubKey").GetProperty("hex").GetString()!))).ToList();
        return CoinbaseDecoder.FromParts(scriptSig, outputs, tx.TryGetProperty("txinwitness", out _));
    }
}
