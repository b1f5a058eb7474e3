using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// Every read of a store over a few ranges, as one text: two stores, or one store before and after rolling up, answer
/// the same when their snapshots are equal. Sums are written to 12 significant digits: the order of floating-point
/// additions differs between SQLite, PostgreSQL and the roll-ups.
/// </summary>
internal static class StoreSnapshot
{
    public static async Task<string> TakeAsync(ReportStore store, DateTimeOffset now)
    {
        var parts = new List<string>();
        foreach (var (from, to) in new[] { (now.AddDays(-4), now), (now.AddHours(-37).AddMinutes(-13), now.AddHours(-2).AddMinutes(-29)), (now.AddMinutes(-200), now.AddMinutes(-10)) })
        {
            var (f, t) = (from.ToUnixTimeSeconds(), to.ToUnixTimeSeconds());
            var lines = new List<string>();
            foreach (var dimension in new[] { Dimension.Pool, Dimension.TemplateProvider, Dimension.Vendor, Dimension.Health, Dimension.Region })
            {
                lines.AddRange((await store.HashrateByAsync(dimension, f, t, default)).OrderBy(c => c.Entity).ThenBy(c => c.Agent)
                    .Select(c => $"{dimension}:{c.Entity}/{c.Agent}={c.Value:G12}x{c.Agents}"));
            }

            lines.AddRange((await store.ShareHashrateByAsync(Dimension.Region, f, t, default)).OrderBy(s => s.Key)
                .Select(s => $"{s.Key}={s.Value.ShareThs:G12}/{s.Value.ApiThs:G12}/{s.Value.Shares}/{s.Value.DisagreeingCells}"));
            lines.AddRange((await store.HashrateSeriesAsync(Dimension.Pool, f, t, 3600, 0, default)).OrderBy(b => b.Bucket).ThenBy(b => b.Entity).ThenBy(b => b.Agent)
                .Select(b => $"{b.Bucket}/{b.Entity}/{b.Agent}={b.Value:G12}"));
            lines.AddRange((await store.HashrateSecondsByAgentAsync(f, t, default)).OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value:G12}"));
            lines.AddRange((await store.ReportingAgentsByKindAsync(f, t, default)).OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}"));
            lines.Add($"agents={await store.CountAgentsAsync(f, t, default)}");
            lines.AddRange((await store.BlockSightingsAsync(f, t, default)).OrderBy(b => b.Hash).ThenBy(b => b.Agent).Select(b => b.ToString()));
            parts.Add(string.Join(";", lines));
        }

        return string.Join("\n", parts);
    }
}
