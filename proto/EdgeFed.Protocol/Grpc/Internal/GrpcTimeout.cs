using System.Globalization;

namespace EdgeFed.Protocol.Grpc.Internal;

/// <summary>The <c>grpc-timeout</c> header: at most 8 ASCII digits and a unit (H, M, S, m, u, n).</summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    public static bool TryParse(string? text, out TimeSpan timeout)
    {
        timeout = default;
        if (text is null || text.Length < 2 || text.Length > 9)
        {
            return false;
        }

        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        double? ticks = text[^1] switch
        {
            'H' => value * (double)TimeSpan.TicksPerHour,
            'M' => value * (double)TimeSpan.TicksPerMinute,
            'S' => value * (double)TimeSpan.TicksPerSecond,
            'm' => value * (double)TimeSpan.TicksPerMillisecond,
            'u' => value * (double)TimeSpan.TicksPerMicrosecond,
            'n' => value / 100.0,
            _ => null,
        };
        if (ticks is null)
        {
            return false;
        }

        timeout = ticks.Value >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)Math.Ceiling(ticks.Value));
        return true;
    }

    /// <summary>Encodes a timeout with the finest unit that fits in 8 digits, rounding up so it never shortens.</summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        var nanos = (decimal)timeout.Ticks * 100;
        foreach (var (unit, size) in Units)
        {
            var value = Math.Ceiling(nanos / size);
            if (value <= MaxValue)
            {
                return value.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }

    private static readonly (char Unit, decimal Nanos)[] Units =
    [
        ('n', 1m), ('u', 1_000m), ('m', 1_000_000m), ('S', 1_000_000_000m), ('M', 60_000_000_000m), ('H', 3_600_000_000_000m),
    ];
}
