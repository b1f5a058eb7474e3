using System.Buffers.Binary;
using System.Text.Json;

namespace EdgeFed.Agent.Tests.Attribution;

/// <summary>
/// Real coinbases from ../shared/data/blocks/coinbase-sample.jsonl, serialised back into transactions (version 1,
/// the scriptSig and outputs as recorded, locktime 0): our test vectors written from real blocks.
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

    public static byte[] Serialize(Row row)
    {
        var bytes = new List<byte>();
        void U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); bytes.AddRange(b); }
        void Var(int n) { if (n < 0xfd) { bytes.Add((byte)n); } else { bytes.Add(0xfd); bytes.Add((byte)n); bytes.Add((byte)(n >> 8)); } }
        U32(1);
        Var(1);
        bytes.AddRange(new byte[32]);
        U32(uint.MaxValue);
        var scriptSig = Convert.FromHexString(row.ScriptSigHex);
        Var(scriptSig.Length);
        bytes.AddRange(scriptSig);
        U32(uint.MaxValue);
        Var(row.Outputs.Count);
        foreach (var (script, value, _) in row.Outputs)
        {
            var v = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(v, value);
            bytes.AddRange(v);
            var s = Convert.FromHexString(script);
            Var(s.Length);
            bytes.AddRange(s);
        }

        U32(0);
        return [.. bytes];
    }

    public static string Hex(Row row) => Convert.ToHexStringLower(Serialize(row));
}
