using System.Globalization;

namespace EdgeFed.Aggregator.Replay;

/// <summary>Calendar windows for block replay: UTC day, ISO week (Monday first) or month.</summary>
public enum WindowKind
{
    Day,
    Week,
    Month,
}

public static class ReplayWindow
{
    /// <summary>The window's name: <c>2023-12-05</c>, <c>2023-W49</c> or <c>2023-12</c>.</summary>
    public static string KeyOf(DateOnly date, WindowKind kind) => kind switch
    {
        WindowKind.Day => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        WindowKind.Week => $"{ISOWeek.GetYear(date.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue)):D2}",
        _ => date.ToString("yyyy-MM", CultureInfo.InvariantCulture),
    };
}
