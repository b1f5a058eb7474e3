using EdgeFed.Aggregator.Concentration;

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
            var shares = new double[Tops.Length];
            for (var k = 0; k < Tops.Length; k++)
            {
                shares[k] = TopShare(day.Summary.Shares, Tops[k]);
            }

            window.Enqueue(shares);
            if (window.Count > movingAverageDays)
            {
                window.Dequeue();
            }

            result.Add(new MciDay(day.Window, day.Blocks, shares, MovingAverage(window)));
        }

        return result;
    }

    // Plain loops, summed in the same order as before: ~2,000 days × 5 tops × 30 days per replay, on its hot path.
    private static double TopShare(IReadOnlyList<EntityShare> shares, int n)
    {
        var sum = 0.0;
        for (var i = 0; i < n && i < shares.Count; i++)
        {
            sum += shares[i].Share;
        }

        return sum;
    }

    private static double[] MovingAverage(Queue<double[]> window)
    {
        var average = new double[Tops.Length];
        foreach (var day in window)
        {
            for (var k = 0; k < average.Length; k++)
            {
                average[k] += day[k];
            }
        }

        for (var k = 0; k < average.Length; k++)
        {
            average[k] /= window.Count;
        }

        return average;
    }
}
