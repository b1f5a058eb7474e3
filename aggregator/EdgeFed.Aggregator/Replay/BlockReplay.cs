using EdgeFed.Aggregator.Concentration;
using EdgeFed.Protocol.Domain;

namespace EdgeFed.Aggregator.Replay;

/// <summary>One window of replayed blocks and its concentration (block counts, so with intervals).</summary>
public sealed record ReplayResult(string Window, int Blocks, ConcentrationSummary Summary);

/// <summary>
/// Concentration of block labels per calendar window. Pure over its input: windows come out in time order, each
/// summarised from its pool counts; "unknown" is an entity of its own. With proxy grouping, pools that mine on
/// another's templates count as that template provider.
/// </summary>
public static class BlockReplay
{
    public static IEnumerable<ReplayResult> Run(IEnumerable<BlockLabel> blocks, WindowKind window, ProxyGroups? groups = null)
    {
        string? current = null;
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        var total = 0;
        var (lastDate, key) = (DateOnly.MinValue, string.Empty);
        foreach (var block in blocks)
        {
            if (block.Date != lastDate)
            {
                (lastDate, key) = (block.Date, ReplayWindow.KeyOf(block.Date, window));
            }

            if (key != current)
            {
                if (current is not null)
                {
                    yield return Close(current, counts, total);
                }

                (current, total) = (key, 0);
                counts.Clear();
            }

            var entity = groups?.ProviderOf(block.Pool) ?? block.Pool;
            counts[entity] = counts.GetValueOrDefault(entity) + 1;
            total++;
        }

        if (current is not null)
        {
            yield return Close(current, counts, total);
        }
    }

    private static ReplayResult Close(string window, Dictionary<string, double> counts, int total) =>
        new(window, total, ConcentrationMetrics.Summarise(counts, counts: true));
}
