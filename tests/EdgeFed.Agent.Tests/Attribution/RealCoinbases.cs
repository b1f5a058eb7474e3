using System.Text.Json;

namespace EdgeFed.Agent.Tests.Attribution;

/// <summary>
/// Real coinbases from ../shared/data/blocks/coinbase-sample.jsonl, serialised back into transactions (version 1,
/// the scriptSig and outputs as recorded, locktime 0, by <c>CoinbaseBuilder</c>): test vectors written from real blocks.
/// </summary>
internal static class RealCoinbases
{
    public static string Data { get; } = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data"));

    public static string CatalogPath => Path.Combine(Data, "pools", "pool-list.json");

    public sealed record Row(string Number, string ScriptSigHex, IReadOnlyList<(string ScriptHex, ulong Value, string? Address)> Outputs);

    public static IReadOnlyList<Row> Rows { get; } = File.ReadLines(Path.Combine(Data, "blocks", "coinbase-sample.jsonl"))
        .Select(line => JsonDocument.Parse(line).RootElement)
        .Select(e => new Row(e.GetProperty("number").GetString()!, e.GetProperty("identifiers").GetString()!,
            e.GetProperty("outputs").EnumerateArray().Select(o => (o.GetProperty("script_hex").GetString()!, o.GetProperty("value").GetUInt64(),
                o.TryGetProperty("addresses", out var a) && a.GetArrayLength() > 0 ? a[0].GetString() : null)).ToList()))
        .ToList();

    public static Row ByNumber(string number) => Rows.Single(r => r.Number == number);

    public static byte[] Serialize(Row row) => Agent.Attribution.Bitcoin.CoinbaseBuilder.Serialize(
        Convert.FromHexString(row.ScriptSigHex), row.Outputs.Select(o => new Agent.Attribution.Bitcoin.TxOutput(o.Value, Convert.FromHexString(o.ScriptHex))).ToList());

    public static string Hex(Row row) => Convert.ToHexStringLower(Serialize(row));
}
