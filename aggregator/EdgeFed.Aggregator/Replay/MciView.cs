namespace EdgeFed.Aggregator.Replay;

/// <summary>One day of the Mining Centralization Index view: top-2 … top-6 block shares and their moving averages (30 days unless chosen).</summary>
public sealed record MciDay(string Day, int Blocks, double[] TopShares, double[] MovingAverage30);

/// <summary>
/// The Mining Centralization Index view: daily top-2 … top-6 block shares, each with a 30-day trailing moving average
/// (over the days present, up to 30). Run it with and without the proxy group merged to see the template providers.
/// </summary>
public static class MciView
{
    public static readonly int[] Tops = [2, 3, 4, 5, 6];

    public static IReadOnlyList<MciDay> Build(IEnumerable<ReplayResult> days, int movingAverageDays = 30)
    {
        var result = new List<MciDay>();
        var window = new Queue<double[]>();
        foreach (var day in days)
        {
            var shares = Tops.Select(n => day.Summary.Shares.Take(n).Sum(s => s.Share)).ToArray();
            window.Enqueue(shares);
            if (window.Count > movingAverageDays)
            {
                window.Dequeue();
            }

            result.Add(new MciDay(day.Window, day.Blocks, shares, Tops.Select((_, k) => window.Average(w => w[k])).ToArray()));
        }

        return result;
    }
}
