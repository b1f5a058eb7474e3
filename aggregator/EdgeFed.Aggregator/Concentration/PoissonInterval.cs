namespace EdgeFed.Aggregator.Concentration;

/// <summary>
/// The exact (Garwood) 95 % interval of a Poisson mean from an observed count, found by bisection on the Poisson
/// distribution function, and luck: observed ÷ expected blocks with that interval scaled by the expectation.
/// </summary>
public static class PoissonInterval
{
    /// <summary>[low, high] with P(X ≥ k | low) = 2.5 % and P(X ≤ k | high) = 2.5 %; low = 0 for k = 0.</summary>
    public static Interval Of(long observed)
    {
        if (observed < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(observed), observed, "A count is not negative.");
        }

        var low = observed == 0 ? 0 : Solve(mean => 1 - Cdf(observed - 1, mean), 0.025, observed);
        var high = Solve(mean => Cdf(observed, mean), 0.025, observed, decreasing: true);
        return new Interval(low, high);
    }

    /// <summary>Observed ÷ expected, with the interval of the observed count divided by the expectation; null without an expectation.</summary>
    public static (double Luck, Interval Interval)? Luck(long observed, double expected)
    {
        if (expected <= 0 || double.IsNaN(expected))
        {
            return null;
        }

        var i = Of(observed);
        return (observed / expected, new Interval(i.Low / expected, i.High / expected));
    }

    /// <summary>P(X ≤ k) for X ~ Poisson(mean), summed in log space so large counts do not overflow.</summary>
    public static double Cdf(long k, double mean)
    {
        if (k < 0)
        {
            return 0;
        }

        if (mean <= 0)
        {
            return 1;
        }

        var logTerm = -mean; // log P(X = 0)
        var sum = Math.Exp(logTerm);
        for (long i = 1; i <= k; i++)
        {
            logTerm += Math.Log(mean) - Math.Log(i);
            sum += Math.Exp(logTerm);
        }

        return Math.Min(1, sum);
    }

    private static double Solve(Func<double, double> f, double target, long observed, bool decreasing = false)
    {
        // f rises with the mean for the lower bound and falls for the upper one; the root lies within k ± 10√k + 10.
        var (lo, hi) = (Math.Max(0, observed - 10 * Math.Sqrt(observed) - 10), observed + 10 * Math.Sqrt(observed) + 10);
        for (var i = 0; i < 60; i++)
        {
            var mid = (lo + hi) / 2;
            var above = f(mid) > target;
            if (above ^ decreasing)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return (lo + hi) / 2;
    }
}
