using System.Globalization;
using System.IO.Compression;

namespace EdgeFed.Protocol.Domain;

/// <summary>One block's attribution: <c>height,pool_slug,date</c> as in <c>data/blocks/blocks-2021-2026.csv.gz</c>.</summary>
public readonly record struct BlockLabel(int Height, string Pool, DateOnly Date);

/// <summary>Reads block labels from CSV, gzip-compressed or not (told by the gzip magic), with a clear error per bad line.</summary>
public static class BlockLabels
{
    public static IEnumerable<BlockLabel> Read(string path, Action<long, long>? progress = null)
    {
        using var file = File.OpenRead(path);
        var gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using var stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var reader = new StreamReader(stream);
        var header = reader.ReadLine();
        if (header?.Trim() != "height,pool_slug,date")
        {
            throw new FormatException($"'{path}': the first line must be 'height,pool_slug,date', not '{header}'.");
        }

        var pools = new Dictionary<string, string>(StringComparer.Ordinal); // one string per pool: 282k rows, a few hundred pools
        var line = 1;
        var (lastDateText, lastDate) = (string.Empty, default(DateOnly)); // ~144 blocks a day share their date
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var first = text.IndexOf(',');
            var second = first < 0 ? -1 : text.IndexOf(',', first + 1);
            var dateText = second < 0 ? default : text.AsSpan(second + 1).Trim();
            DateOnly date;
            if (dateText.SequenceEqual(lastDateText))
            {
                date = lastDate;
            }
            else if (second >= 0 && DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                (lastDateText, lastDate) = (dateText.ToString(), date);
            }
            else
            {
                throw new FormatException($"'{path}' line {line}: '{text}' is not height,pool_slug,yyyy-MM-dd.");
            }

            if (!int.TryParse(text.AsSpan(0, first), NumberStyles.None, CultureInfo.InvariantCulture, out var height))
            {
                throw new FormatException($"'{path}' line {line}: '{text}' is not height,pool_slug,yyyy-MM-dd.");
            }

            var lookup = pools.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(text.AsSpan(first + 1, second - first - 1), out var pool))
            {
                var slug = text.Substring(first + 1, second - first - 1);
                pools[slug] = pool = slug.Length == 0 ? "unknown" : slug;
            }

            if (progress is not null && (line & 0xFFF) == 0)
            {
                progress(file.Position, file.Length);
            }

            yield return new BlockLabel(height, pool, date);
        }
    }
}
