using EdgeFed.Protocol.Domain;
using System.Text;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;

namespace EdgeFed.Emulator;

/// <summary>
/// How one pool lays out its coinbase. <see cref="FromRealSample"/> marks layouts read off the real coinbases in
/// <c>data/blocks/coinbase-sample.jsonl</c>; the others are assumptions (commitment placement, merged mining rates,
/// extranonce sizes) and say so in the pool-fallback model card. Payout script types always come from the pool's
/// catalogue addresses, and the tag-shaped printable run from the length of its catalogue tag.
/// </summary>
public sealed record PoolLayout(
    string Pool, bool FromRealSample, bool Tagged, int ExtraBytes, bool AuxPow, double WitnessRate, double RskRate, double OtherMergedRate,
    bool CommitmentsFirst, int SecondaryPayoutsMin, int SecondaryPayoutsMax, double SecondaryFraction);

/// <summary>
/// Synthesises coinbases with a pool's layout but no catalogue tag or address (tag text scrambled, fresh payout
/// keys), which is exactly the case the pool-fallback model exists for. Seeded: the same seed gives the same rows.
/// </summary>
public static class CoinbaseLayouts
{
    public static IReadOnlyList<PoolLayout> Known { get; } =
    [
        // Read off the real sample: output order and types, commitments, scriptSig sizes.
        new("GBMiners", true, true, 8, true, 1, 0, 0, false, 1, 1, 0.01),
        new("BTC.TOP", true, true, 26, true, 1, 0, 0, false, 1, 1, 0.008),
        new("ViaBTC", true, true, 24, true, 0.5, 1, 0, true, 0, 0, 0),
        new("AntPool", true, true, 22, false, 1, 0.3, 0, false, 0, 0, 0),
        new("DPOOL", true, false, 10, false, 1, 0, 0, false, 1, 1, 0.01),

        // Assumed: modern single-payout pools with merged-mining commitments at various rates; Ocean pays many miners.
        new("Foundry USA", false, true, 8, false, 1, 0.9, 0.1, false, 0, 0, 0),
        new("F2Pool", false, true, 12, false, 1, 0.8, 0.2, false, 0, 1, 0.002),
        new("Braiins Pool", false, true, 10, false, 1, 0.6, 0, false, 0, 0, 0),
        new("Luxor", false, true, 8, false, 1, 0.7, 0.3, false, 0, 0, 0),
        new("Ocean.xyz", false, true, 12, false, 1, 0, 0, false, 8, 40, 0.9),
        new("Binance Pool", false, true, 8, false, 1, 0.8, 0.4, false, 0, 0, 0),
    ];

    public static CoinbaseInfo Synthesise(PoolLayout layout, PoolCatalog catalog, Random random)
    {
        var pool = catalog.Pools.FirstOrDefault(p => p.Name == layout.Pool)
                   ?? throw new ArgumentException($"Pool '{layout.Pool}' is not in the catalogue.", nameof(layout));
        var scriptSig = new List<byte> { 0x03 };
        scriptSig.AddRange(BitConverter.GetBytes(800_000 + random.Next(150_000)).AsSpan(0, 3).ToArray());
        if (layout.Tagged)
        {
            var tagLength = pool.Tags.Select(t => Encoding.UTF8.GetByteCount(t)).DefaultIfEmpty(10).First();
            scriptSig.AddRange(Enumerable.Range(0, Math.Max(1, tagLength + random.Next(-2, 3))).Select(_ => (byte)random.Next(0x21, 0x7f)));
        }

        if (layout.AuxPow)
        {
            scriptSig.AddRange([0xfa, 0xbe, 0x6d, 0x6d]);
            scriptSig.AddRange(Bytes(random, 40));
        }

        scriptSig.AddRange(Bytes(random, Math.Max(0, layout.ExtraBytes + random.Next(-3, 4))));
        scriptSig.AddRange(new byte[8]); // extranonce1 and extranonce2 as a template leaves them

        var reward = 312_500_000UL + (ulong)random.Next(2_000_000, 60_000_000);
        var secondaries = random.Next(layout.SecondaryPayoutsMin, layout.SecondaryPayoutsMax + 1);
        var secondaryTotal = secondaries == 0 ? 0 : (ulong)(reward * Math.Min(0.95, layout.SecondaryFraction * (0.8 + random.NextDouble() * 0.4)));
        var outputs = new List<TxOutput> { new(reward - secondaryTotal, PayoutScript(pool, random)) };
        for (var i = 0; i < secondaries; i++)
        {
            outputs.Add(new TxOutput(secondaryTotal / (ulong)secondaries, PayoutScript(pool, random)));
        }

        var commitments = new List<TxOutput>();
        if (random.NextDouble() < layout.RskRate)
        {
            commitments.Add(new TxOutput(0, [0x6a, 0x29, .. "RSKBLOCK:"u8, .. Bytes(random, 32)]));
        }

        if (random.NextDouble() < layout.WitnessRate)
        {
            commitments.Add(new TxOutput(0, [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed, .. Bytes(random, 32)]));
        }

        if (random.NextDouble() < layout.OtherMergedRate)
        {
            commitments.Add(new TxOutput(0, [0x6a, 0x2d, .. "CORE"u8, .. Bytes(random, 41)]));
        }

        // Commitments go first (ViaBTC) or right after the main payout, before any secondary payout (BTC.TOP, DPOOL).
        outputs.InsertRange(layout.CommitmentsFirst ? 0 : Math.Min(1, outputs.Count), commitments);

        return CoinbaseDecoder.FromParts([.. scriptSig], outputs, segwit: true);
    }

    /// <summary>A fresh key of a script type the pool's catalogue addresses use (P2PKH when it lists none).</summary>
    private static byte[] PayoutScript(PoolEntry pool, Random random)
    {
        var address = pool.Addresses.Count > 0 ? pool.Addresses[random.Next(pool.Addresses.Count)] : "1";
        return address switch
        {
            ['3', ..] => [0xa9, 0x14, .. Bytes(random, 20), 0x87],
            ['b', 'c', '1', 'q', ..] when address.Length > 50 => [0x00, 0x20, .. Bytes(random, 32)],
            ['b', 'c', '1', 'q', ..] => [0x00, 0x14, .. Bytes(random, 20)],
            ['b', 'c', '1', 'p', ..] => [0x51, 0x20, .. Bytes(random, 32)],
            _ => [0x76, 0xa9, 0x14, .. Bytes(random, 20), 0x88, 0xac],
        };
    }

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
